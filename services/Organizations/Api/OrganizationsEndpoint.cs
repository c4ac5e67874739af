using FluentValidation;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Data;
using ReferralNet.Organizations.Domain;
using ReferralNet.Organizations.Events;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Errors;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using Proto = ReferralNet.Contracts.V1;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Organizations.Api;

/// <summary>
/// The directory's gRPC API. Organizations and services are the network's public directory; members are visible to
/// their own organization and to network administrators, and look missing (NOT_FOUND) to everyone else.
/// </summary>
public sealed class OrganizationsEndpoint(
    OrganizationsDbContext db,
    AuditScope audit,
    MembershipCache memberships,
    DirectoryIndex directory,
    TimeProvider time,
    PageTokens pageTokens,
    IValidator<Proto.Organization> organizationRules,
    IValidator<Proto.Service> serviceRules,
    IValidator<Proto.Member> memberRules) : Proto.OrganizationsService.OrganizationsServiceBase
{
    private const string Administration = "directory-administration";
    private const string Appointment = "org-admin-appointment-by-network-admin";
    private const string PublicDirectory = "directory data (organizations and services) is public to the network and holds no personal data";
    private static readonly string[] OrganizationChangeable = ["name", "kind", "description", "website", "email", "phone", "neighbourhoods"];
    private static readonly string[] ServiceChangeable = ["name", "description", "life_domains", "eligibility", "languages", "capacity", "acknowledgement_deadline", "active_start_time", "active_end_time"];
    private static readonly string[] MemberChangeable = ["display_name", "email", "role", "profession", "languages"];

    /// <inheritdoc />
    [Audited(AuditKind.Change, "organization", Administration)]
    public override async Task<Proto.CreateOrganizationResponse> CreateOrganization(Proto.CreateOrganizationRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.NetworkAdmin);
        var now = time.GetUtcNow();
        var response = await TakingEmailAsync("first_admin.email", () => db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
        {
            var organization = new Organization(request.Organization.ToDetails(), now);
            db.Organizations.Add(organization);
            db.AddEvent(organization.ChangedEvent(), now);
            Member? admin = null;
            if (request.FirstAdmin is { } first)
            {
                await EnsureEmailFreeAsync(first.Email, "first_admin.email", context.CancellationToken);
                admin = new Member(organization, first.ToDetails(), now, now);
                db.Members.Add(admin);
                db.AddEvent(admin.ChangedEvent(now), now);
            }

            return new Proto.CreateOrganizationResponse { Organization = organization.ToProto(), FirstAdmin = admin?.ToProto(now) };
        }, created => created.Organization.Id));
        memberships.ApplySaved(db);
        return response;
    }

    /// <inheritdoc />
    [NotAudited(PublicDirectory)]
    public override async Task<Proto.GetOrganizationResponse> GetOrganization(Proto.GetOrganizationRequest request, ServerCallContext context) =>
        new() { Organization = (await FindOrganizationAsync(request.Id, context.CancellationToken)).ToProto() };

    /// <inheritdoc />
    [NotAudited(PublicDirectory)]
    public override async Task<Proto.ListOrganizationsResponse> ListOrganizations(Proto.ListOrganizationsRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize, 50, 200);
        var filters = $"{request.Kind}|{request.IncludeInactive}";
        var pageQuery = $"{context.Method}|{filters}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        var query = db.Organizations.AsNoTracking();
        if (request.Kind != Proto.OrganizationKind.Unspecified)
        {
            var kind = (OrganizationKind)request.Kind;
            query = query.Where(o => o.Kind == kind);
        }

        if (!request.IncludeInactive)
        {
            query = query.Where(o => o.DeactivatedAt == null);
        }

        var page = await Paging.PageAsync(query, after, size, context.CancellationToken);
        return new Proto.ListOrganizationsResponse
        {
            Organizations = { page.Items.Select(o => o.ToProto()) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "organization", Administration)]
    public override async Task<Proto.UpdateOrganizationResponse> UpdateOrganization(Proto.UpdateOrganizationRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        audit.Subject(request.Organization.Id);
        var organization = await FindOrganizationAsync(request.Organization.Id, context.CancellationToken, tracked: true);
        if (caller.Role != Role.NetworkAdmin)
        {
            caller.RequireAdminOf(organization.Id);
        }

        organization.EnsureVersion(request.Organization.Etag, "organization");
        var merged = ProtoValues.MergeUpdate(organization.ToProto(), request.Organization, request.UpdateMask, OrganizationChangeable);
        organizationRules.EnsureValid(merged, "organization");
        var now = time.GetUtcNow();
        organization.Change(merged.ToDetails(), now);
        db.AddEvent(organization.ChangedEvent(), now);
        await db.SaveChangesAsync(context.CancellationToken);
        memberships.ApplySaved(db);
        return new Proto.UpdateOrganizationResponse { Organization = organization.ToProto() };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "organization", Administration)]
    public override async Task<Proto.DeactivateOrganizationResponse> DeactivateOrganization(Proto.DeactivateOrganizationRequest request, ServerCallContext context)
    {
        Caller.Of(context).RequireRole(Role.NetworkAdmin);
        audit.Subject(request.Id);
        var cancellationToken = context.CancellationToken;
        var deactivated = await db.WithOrganizationLockedAsync(request.Id, async organization =>
        {
            organization.EnsureVersion(request.Etag, "organization");
            var now = time.GetUtcNow();
            organization.Deactivate(now);
            db.AddEvent(organization.ChangedEvent(), now);

            // Its services stop taking referrals and its members' tokens stop working, in the same transaction. Under the
            // lock, every service and member created before is seen here, and none can be created after.
            var services = await db.Services.Where(s => s.OrganizationId == organization.Id).Where(Service.NotEndedAt(now)).ToListAsync(cancellationToken);
            foreach (var service in services)
            {
                service.Deactivate(now);
                db.AddEvent(service.ChangedEvent(now), now);
            }

            var members = await db.Members.Where(m => m.OrganizationId == organization.Id).Where(Member.NotEndedAt(now)).ToListAsync(cancellationToken);
            foreach (var member in members)
            {
                member.EndWithOrganization(now);
                db.AddEvent(member.ChangedEvent(now), now);
            }

            await db.SaveChangesAsync(cancellationToken);
            return organization;
        }, cancellationToken);
        memberships.ApplySaved(db);
        return new Proto.DeactivateOrganizationResponse { Organization = deactivated.ToProto() };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service", Administration)]
    public override async Task<Proto.CreateServiceResponse> CreateService(Proto.CreateServiceRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        return await db.WithOrganizationLockedAsync(request.Service.OrganizationId, organization =>
        {
            caller.RequireAdminOf(organization.Id);
            var now = time.GetUtcNow();
            return db.CreateOnceAsync(context, caller, request, request.RequestId, now, () =>
            {
                var service = new Service(organization, request.Service.ToDetails(now), now);
                db.Services.Add(service);
                db.AddEvent(service.ChangedEvent(now), now);
                return Task.FromResult(new Proto.CreateServiceResponse { Service = service.ToProto(now) });
            }, created => created.Service.Id);
        }, context.CancellationToken);
    }

    /// <inheritdoc />
    [NotAudited(PublicDirectory)]
    public override async Task<Proto.GetServiceResponse> GetService(Proto.GetServiceRequest request, ServerCallContext context) =>
        new() { Service = (await FindServiceAsync(request.Id, context.CancellationToken)).ToProto(time.GetUtcNow()) };

    /// <inheritdoc />
    [NotAudited(PublicDirectory)]
    public override async Task<Proto.ListServicesResponse> ListServices(Proto.ListServicesRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize, 50, 200);
        var filters = $"{request.OrganizationId}|{request.IncludeInactive}";
        var pageQuery = $"{context.Method}|{filters}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        await FindOrganizationAsync(request.OrganizationId, context.CancellationToken);
        var now = time.GetUtcNow();
        var query = db.Services.AsNoTracking().Include(s => s.LifeDomains).Where(s => s.OrganizationId == request.OrganizationId);
        if (!request.IncludeInactive)
        {
            query = query.Where(Service.NotEndedAt(now));
        }

        var page = await Paging.PageAsync(query, after, size, context.CancellationToken);
        return new Proto.ListServicesResponse
        {
            Services = { page.Items.Select(s => s.ToProto(now)) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service", Administration)]
    public override async Task<Proto.UpdateServiceResponse> UpdateService(Proto.UpdateServiceRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        audit.Subject(request.Service.Id);
        var service = await FindServiceAsync(request.Service.Id, context.CancellationToken, tracked: true);
        caller.RequireAdminOf(service.OrganizationId);
        service.EnsureVersion(request.Service.Etag, "service");
        var now = time.GetUtcNow();
        var merged = ProtoValues.MergeUpdate(service.ToProto(now), request.Service, request.UpdateMask, ServiceChangeable);
        serviceRules.EnsureValid(merged, "service");

        // Under the organization's lock: a change can bring an ended service back, which a deactivation must not miss.
        return await db.WithOrganizationLockedAsync(service.OrganizationId, async organization =>
        {
            service.Change(organization, merged.ToDetails(now), now);
            db.AddEvent(service.ChangedEvent(now), now);
            await db.SaveChangesAsync(context.CancellationToken);
            return new Proto.UpdateServiceResponse { Service = service.ToProto(now) };
        }, context.CancellationToken);
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "service", Administration)]
    public override async Task<Proto.DeactivateServiceResponse> DeactivateService(Proto.DeactivateServiceRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        audit.Subject(request.Id);
        var service = await FindServiceAsync(request.Id, context.CancellationToken, tracked: true);
        caller.RequireAdminOf(service.OrganizationId);
        service.EnsureVersion(request.Etag, "service");
        var now = time.GetUtcNow();
        service.Deactivate(now);
        db.AddEvent(service.ChangedEvent(now), now);
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.DeactivateServiceResponse { Service = service.ToProto(now) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "member", Administration)]
    public override async Task<Proto.CreateMemberResponse> CreateMember(Proto.CreateMemberRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        var response = await TakingEmailAsync("member.email", () => db.WithOrganizationLockedAsync(request.Member.OrganizationId, organization =>
        {
            caller.RequireAdminOf(organization.Id);
            var now = time.GetUtcNow();
            return db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
            {
                await EnsureEmailFreeAsync(request.Member.Email, "member.email", context.CancellationToken);
                var member = new Member(organization, request.Member.ToDetails(), request.Member.StartTime?.ToInstant() ?? now, now, request.Member.EndTime?.ToInstant());
                db.Members.Add(member);
                db.AddEvent(member.ChangedEvent(now), now);
                return new Proto.CreateMemberResponse { Member = member.ToProto(now) };
            }, created => created.Member.Id);
        }, context.CancellationToken));
        memberships.ApplySaved(db);
        return response;
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "member", Administration)]
    public override async Task<Proto.GetMemberResponse> GetMember(Proto.GetMemberRequest request, ServerCallContext context)
    {
        var member = await FindVisibleMemberAsync(Caller.Of(context), request.Id, context.CancellationToken);
        return new Proto.GetMemberResponse { Member = member.ToProto(time.GetUtcNow()) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "member", Administration)]
    public override async Task<Proto.ListMembersResponse> ListMembers(Proto.ListMembersRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        var size = Paging.Size(request.PageSize, 50, 200);
        var filters = $"{request.OrganizationId}|{request.IncludeInactive}";
        var pageQuery = $"{context.Method}|{filters}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        audit.Subject(request.OrganizationId);
        var organization = await FindOrganizationAsync(request.OrganizationId, context.CancellationToken);
        if (!caller.ActsFor(organization.Id) && caller.Role != Role.NetworkAdmin)
        {
            throw new PermissionDeniedException("Members are visible to their own organization and to network administrators only.");
        }

        var now = time.GetUtcNow();
        var query = db.Members.AsNoTracking().Where(m => m.OrganizationId == organization.Id);
        if (!request.IncludeInactive)
        {
            query = query.Where(Member.ActiveAt(now));
        }

        var page = await Paging.PageAsync(query, after, size, context.CancellationToken);
        return new Proto.ListMembersResponse
        {
            Members = { page.Items.Select(m => m.ToProto(now)) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "member", Administration)]
    public override async Task<Proto.UpdateMemberResponse> UpdateMember(Proto.UpdateMemberRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        var member = await FindVisibleMemberAsync(caller, request.Member.Id, context.CancellationToken, tracked: true);
        caller.RequireAdminOf(member.OrganizationId);
        member.EnsureVersion(request.Member.Etag, "member");
        var now = time.GetUtcNow();
        var merged = ProtoValues.MergeUpdate(member.ToProto(now), request.Member, request.UpdateMask, MemberChangeable);
        memberRules.EnsureValid(merged, "member");
        if (Member.NormalizeEmail(merged.Email) != member.Email)
        {
            await EnsureEmailFreeAsync(merged.Email, "member.email", context.CancellationToken);
        }

        // Under the organization's lock, so that two org-admins demoting each other cannot both succeed.
        var response = await TakingEmailAsync("member.email", () => db.WithOrganizationLockedAsync(member.OrganizationId, async organization =>
        {
            member.Change(organization, merged.ToDetails(), await db.AdministratorsAsync(organization.Id, now, context.CancellationToken), now);
            db.AddEvent(member.ChangedEvent(now), now);
            await db.SaveChangesAsync(context.CancellationToken);
            return new Proto.UpdateMemberResponse { Member = member.ToProto(now) };
        }, context.CancellationToken));
        memberships.ApplySaved(db);
        return response;
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "member", Administration)]
    public override async Task<Proto.DeactivateMemberResponse> DeactivateMember(Proto.DeactivateMemberRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        var member = await FindVisibleMemberAsync(caller, request.Id, context.CancellationToken, tracked: true);
        caller.RequireAdminOf(member.OrganizationId);
        member.EnsureVersion(request.Etag, "member");

        // Under the organization's lock, so that two org-admins ending each other cannot both succeed.
        var response = await db.WithOrganizationLockedAsync(member.OrganizationId, async organization =>
        {
            var now = time.GetUtcNow();
            member.End(request.EndTime?.ToInstant() ?? now, await db.AdministratorsAsync(organization.Id, now, context.CancellationToken), now);
            db.AddEvent(member.ChangedEvent(now), now);
            await db.SaveChangesAsync(context.CancellationToken);
            return new Proto.DeactivateMemberResponse { Member = member.ToProto(now) };
        }, context.CancellationToken);
        memberships.ApplySaved(db);
        return response;
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "member", Appointment)]
    public override async Task<Proto.AppointOrgAdminResponse> AppointOrgAdmin(Proto.AppointOrgAdminRequest request, ServerCallContext context)
    {
        // The one way a network administrator changes the members of another organization: appointing its org-admin when
        // it has none left. The trail records it under its own action and purpose.
        var caller = Caller.Of(context);
        caller.RequireRole(Role.NetworkAdmin);
        var appointsMember = request.AppointeeCase == Proto.AppointOrgAdminRequest.AppointeeOneofCase.MemberId;
        if (appointsMember)
        {
            audit.Subject(request.MemberId);
        }

        var cancellationToken = context.CancellationToken;
        var response = await TakingEmailAsync("new_member.email", () => db.WithOrganizationLockedAsync(request.OrganizationId, organization =>
        {
            var now = time.GetUtcNow();
            return db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
            {
                var administrators = await db.AdministratorsAsync(organization.Id, now, cancellationToken);
                Member member;
                if (appointsMember)
                {
                    member = await db.Members.FirstOrDefaultAsync(m => m.Id == request.MemberId && m.OrganizationId == organization.Id, cancellationToken)
                        ?? throw new NotFoundException("Member", request.MemberId);
                    member.AppointOrgAdmin(organization, administrators, now);
                }
                else
                {
                    await EnsureEmailFreeAsync(request.NewMember.Email, "new_member.email", cancellationToken);
                    member = Member.AppointedOrgAdmin(organization, administrators, request.NewMember.ToDetails(), now);
                    db.Members.Add(member);
                }

                db.AddEvent(member.ChangedEvent(now), now);
                return new Proto.AppointOrgAdminResponse { Member = member.ToProto(now) };
            }, created => created.Member.Id);
        }, cancellationToken));
        memberships.ApplySaved(db);
        return response;
    }

    /// <inheritdoc />
    [NotAudited("directory search holds no personal data; the age and neighbourhood asked for are not stored")]
    public override async Task<Proto.SearchServicesResponse> SearchServices(Proto.SearchServicesRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize, 20, 100);
        var criteria = new SearchCriteria(
            [.. request.LifeDomains.Select(d => (LifeDomain)d).Distinct()],
            NullIfEmpty(request.Neighbourhood),
            NullIfEmpty(request.Language),
            request.LanguageRequired,
            request.HasServiceUserAge ? request.ServiceUserAge : null,
            request.IncludeUnavailable);
        var filters = string.Join('|', criteria.LifeDomains.Order()) + $"|{criteria.Neighbourhood}|{criteria.Language}|{criteria.LanguageRequired}|{criteria.ServiceUserAge}|{criteria.IncludeUnavailable}";
        var pageQuery = $"{context.Method}|{filters}";
        var cursor = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 3);
        var now = time.GetUtcNow();

        var page = await directory.SearchAsync(db, criteria, cursor is null ? null : ServiceRank.FromSortKey(cursor.Keys), size, now, context.CancellationToken);
        var position = cursor?.Position ?? 0;
        var response = new Proto.SearchServicesResponse();
        foreach (var match in page.Matches)
        {
            response.Matches.Add(new Proto.ServiceMatch
            {
                Service = match.Service.ToProto(now),
                OrganizationName = match.OrganizationName,
                Rank = ++position,
                NeighbourhoodMatch = match.Rank.NeighbourhoodMatch,
                LanguageMatch = match.Rank.LanguageMatch,
                Available = match.Rank.Available,
                RankingReason = match.Rank.ReasonFor(criteria),
            });
        }

        if (page.More)
        {
            response.NextPageToken = pageTokens.Encode(new PageCursor(page.Matches[^1].Rank.SortKey, position), pageQuery);
        }

        return response;
    }

    /// <inheritdoc />
    [Authorize(Policy = Workload.Policy)]
    [Audited(AuditKind.Read, "member", "caller-authentication")]
    public override async Task<Proto.CheckMembershipResponse> CheckMembership(Proto.CheckMembershipRequest request, ServerCallContext context)
    {
        audit.Subject(request.MemberId);
        var read = await MemberDirectory.ReadAsync(db, request.MemberId, context.CancellationToken);
        return new Proto.CheckMembershipResponse { Membership = read.ToProto() };
    }

    private async Task<Organization> FindOrganizationAsync(string id, CancellationToken cancellationToken, bool tracked = false) =>
        await (tracked ? db.Organizations.FirstOrDefaultAsync(o => o.Id == id, cancellationToken) : db.OrganizationAsync(id, cancellationToken))
        ?? throw new NotFoundException("Organization", id);

    private async Task<Service> FindServiceAsync(string id, CancellationToken cancellationToken, bool tracked = false) =>
        await (tracked ? db.Services.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) : db.ServiceAsync(id, cancellationToken))
        ?? throw new NotFoundException("Service", id);

    // A member of another organization looks exactly like a missing one, so ids cannot be probed;
    // the attempt is audited under the id asked for, found or not.
    private async Task<Member> FindVisibleMemberAsync(Caller caller, string id, CancellationToken cancellationToken, bool tracked = false)
    {
        audit.Subject(id);
        var organizationId = caller.Role == Role.NetworkAdmin ? null : caller.OrganizationId;
        var member = tracked
            ? await db.Members.FirstOrDefaultAsync(m => m.Id == id && (organizationId == null || m.OrganizationId == organizationId), cancellationToken)
            : await db.MemberAsync(id, organizationId, cancellationToken);
        return member ?? throw new NotFoundException("Member", id);
    }

    // E-mail addresses are unique in the whole network (they sign in), so a taken one is refused whoever holds it. The
    // answer is the same for an address of the caller's own organization and of any other, active or ended: it names
    // no organization and no member, and tells nothing the caller could not learn by trying the address.
    private async Task EnsureEmailFreeAsync(string email, string field, CancellationToken cancellationToken)
    {
        var normalized = Member.NormalizeEmail(email);
        if (await db.Members.AnyAsync(m => m.Email == normalized, cancellationToken))
        {
            throw EmailTaken(field);
        }
    }

    // Two calls taking one address at the same moment both pass the check above; the unique index refuses the later one
    // at save time, and it gets the same answer as if it had come second.
    private static async Task<T> TakingEmailAsync<T>(string field, Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (DbUpdateException e) when (ErrorMapping.IsUniqueViolation(e))
        {
            throw EmailTaken(field);
        }
    }

    private static AlreadyExistsException EmailTaken(string field) =>
        new("EMAIL_TAKEN", $"{field}: this e-mail address is already in use in the network.");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
