using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Cases.Events;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using Proto = ReferralNet.Contracts.V1;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Cases.Api;

/// <summary>
/// Consents the service user gives and revokes. A professional records them for a service user its organization may
/// see; the coordinating organization sees every consent of the service user, any other organization only those given
/// to it; privacy officers see the consents their organization recorded or received. The other services ask
/// CheckConsent with their workload identity.
/// </summary>
public sealed class ConsentsEndpoint(CasesDbContext db, AuditScope audit, TimeProvider time, PageTokens pageTokens, Microsoft.Extensions.Options.IOptions<AuthOptions> auth)
    : Proto.ConsentsService.ConsentsServiceBase
{
    private const string Administration = "consent-administration";

    /// <inheritdoc />
    [Audited(AuditKind.Change, "consent", Administration)]
    public override async Task<Proto.GrantConsentResponse> GrantConsent(Proto.GrantConsentRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var visible = await db.VisibleOnRecordAsync(audit, request.Consent.ServiceUserId, caller, now, context.CancellationToken);
        var grant = request.Consent.ToGrant(now);

        // Consent is recorded by the coordinating organization on the service user's word, within the domains its own
        // consent covers: a consent for something else (care for one domain) is no ground to widen anyone's access,
        // the caller's own least of all.
        var coordinated = await db.GrantsTo(caller, now).Where(c => c.ServiceUserId == visible.User.Id && c.Purpose == ConsentPurpose.Coordination)
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.DomainMask }).ToListAsync(context.CancellationToken);
        if (coordinated.Count == 0)
        {
            throw new PermissionDeniedException("Only an organization holding a COORDINATION consent of the service user records consents.", "CONSENT_MISSING");
        }

        if ((Consent.MaskOf(grant.LifeDomains) & ~coordinated.Aggregate(0, (all, c) => all | c.DomainMask)) != 0)
        {
            throw new PermissionDeniedException("The consent covers life domains the caller's own COORDINATION consent does not.", "CONSENT_MISSING");
        }

        // The access log names the coordination consent the grant rests on, not whichever consent let the caller see the person.
        audit.Grounds($"consent:{coordinated[0].Id}");

        return await db.CreateOnceAsync(context, caller, request, request.RequestId, now, () =>
        {
            var consent = new Consent(visible.User.Id, grant, caller.MemberId, caller.OrganizationId, now);
            db.Consents.Add(consent);
            db.AddEvent(consent.GrantedEvent(), now);
            db.ConsentChanged(consent, "Consent granted", now);
            return Task.FromResult(new Proto.GrantConsentResponse { Consent = consent.ToProto(now) });
        }, granted => granted.Consent.Id, granted => granted.Consent.ServiceUserId);
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "consent", Administration)]
    public override async Task<Proto.GetConsentResponse> GetConsent(Proto.GetConsentRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional, Role.PrivacyOfficer);
        var now = time.GetUtcNow();
        var consent = await FindConsentAsync(request.Id, caller, now, tracked: false, context.CancellationToken);
        return new Proto.GetConsentResponse { Consent = consent.ToProto(now) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "consent", Administration)]
    public override async Task<Proto.ListConsentsResponse> ListConsents(Proto.ListConsentsRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional, Role.PrivacyOfficer);
        var now = time.GetUtcNow();
        var size = Paging.Size(request.PageSize, 50, 200);
        var serviceUserId = await db.ServiceUsers.AsNoTracking().Where(s => s.Id == request.ServiceUserId)
            .Select(s => s.MergedIntoId ?? s.Id).FirstOrDefaultAsync(context.CancellationToken) ?? request.ServiceUserId;
        audit.Subject(serviceUserId, serviceUserId);
        var statuses = request.Statuses.Select(s => (ConsentStatus)s).Distinct().Order().ToList();
        var pageQuery = $"{context.Method}|{serviceUserId}|{string.Join(',', statuses)}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        var scope = await ReadableConsentsAsync(serviceUserId, caller, now, context.CancellationToken)
            ?? throw new NotFoundException("Service user", request.ServiceUserId);
        if (statuses.Count > 0)
        {
            scope = scope.Where(StatusIn(statuses, now));
        }

        var page = await Paging.PageAsync(scope.AsNoTracking(), after, size, context.CancellationToken);
        return new Proto.ListConsentsResponse
        {
            Consents = { page.Items.Select(c => c.ToProto(now)) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "consent", Administration)]
    public override async Task<Proto.RevokeConsentResponse> RevokeConsent(Proto.RevokeConsentRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional, Role.PrivacyOfficer);
        var now = time.GetUtcNow();
        var consent = await FindConsentAsync(request.Id, caller, now, tracked: true, context.CancellationToken);
        var ground = await RevocationGroundAsync(consent, caller, now, context.CancellationToken)
            ?? throw new PermissionDeniedException(
                "Only the organization that recorded the consent or the coordinating organization (on the service user's word), or a privacy officer of an organization it concerns, may revoke it.",
                "REVOCATION_NOT_ALLOWED");
        consent.EnsureVersion(request.Etag, "consent");
        consent.Revoke(caller.MemberId, ground, request.Reason.Trim(), now);
        db.AddEvent(consent.RevokedEvent(), now);
        db.ConsentChanged(consent, "Consent revoked", now);

        // One transaction: the organizations the consent let in leave the care team when no other consent covers them.
        await using var write = await db.BeginWriteAsync(context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
        await db.EndUncoveredAsync(consent.ServiceUserId, now, context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
        await write.CommitAsync(context.CancellationToken);
        return new Proto.RevokeConsentResponse { Consent = consent.ToProto(now) };
    }

    /// <inheritdoc />
    [Authorize(Policy = Workload.MemberOrWorkloadPolicy)]
    [Audited(AuditKind.Read, "consent", "consent-check")]
    public override async Task<Proto.CheckConsentResponse> CheckConsent(Proto.CheckConsentRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var serviceUserId = await db.ServiceUsers.AsNoTracking().Where(s => s.Id == request.ServiceUserId)
            .Select(s => s.MergedIntoId ?? s.Id).FirstOrDefaultAsync(context.CancellationToken) ?? request.ServiceUserId;
        audit.Subject(serviceUserId, serviceUserId);

        // A workload asks about any organization; a member about its own, or about another for a service user its own
        // organization may see (a coordinator checking before a referral).
        string organizationId;
        OrganizationKind? kind;
        if (Workload.From(context.GetHttpContext().User, auth.Value) is not null)
        {
            organizationId = request.OrganizationId;
            if (organizationId.Length == 0)
            {
                throw Platform.Validation.InvalidRequestException.For("organization_id", "is required when a service asks");
            }

            kind = await KindOfAsync(organizationId, context.CancellationToken);
        }
        else
        {
            var caller = Caller.Of(context);
            caller.RequireRole(Role.Professional);
            organizationId = request.OrganizationId.Length == 0 ? caller.OrganizationId : request.OrganizationId;
            kind = organizationId == caller.OrganizationId ? caller.OrganizationKind : await KindOfAsync(organizationId, context.CancellationToken);
            if (organizationId != caller.OrganizationId && await db.VisibleAsync(serviceUserId, caller, now, context.CancellationToken) is null)
            {
                return new Proto.CheckConsentResponse();
            }
        }

        var mask = Consent.MaskOf(request.LifeDomains.Select(d => (LifeDomain)d));
        var purpose = (ConsentPurpose)request.Purpose;
        var consents = db.Consents.AsNoTracking()
            .Where(c => c.ServiceUserId == serviceUserId && c.Purpose == purpose && (c.DomainMask & mask) == mask)
            .Where(Consent.GrantsAt(organizationId, kind, now));
        if (request.ConsentId.Length > 0)
        {
            consents = consents.Where(c => c.Id == request.ConsentId);
        }

        var granting = await consents.OrderBy(c => c.EndAt == null ? 0 : 1).ThenByDescending(c => c.EndAt).FirstOrDefaultAsync(context.CancellationToken);
        if (granting is null)
        {
            return new Proto.CheckConsentResponse();
        }

        audit.Grounds($"consent:{granting.Id}");
        return new Proto.CheckConsentResponse { Granted = true, ConsentId = granting.Id, EndTime = granting.EndAt?.ToProtoTimestamp() };
    }

    /// <inheritdoc />
    [Authorize(Policy = Workload.Policy)]
    [Audited(AuditKind.Read, "need", "referral-check")]
    public override async Task<Proto.CheckReferralConsentResponse> CheckReferralConsent(Proto.CheckReferralConsentRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        audit.Subject(request.NeedId, await db.ServiceUserOfNeedAsync(request.NeedId, cancellationToken));

        // The sender must see the need itself: a referral never lets an organization learn of a need outside its consent.
        var sender = new Caller(request.FromMemberId, request.FromOrganizationId, Role.Professional)
        {
            OrganizationKind = await KindOfAsync(request.FromOrganizationId, cancellationToken),
        };
        var need = await db.NeedVisibleToAsync(request.NeedId, sender.OrganizationId, sender.OrganizationKind, now, cancellationToken)
            ?? throw new NotFoundException("Need", request.NeedId);
        var user = await db.ServiceUserAsync(need.ServiceUserId, cancellationToken);
        var openCase = await db.OpenCaseCoordinationAsync(user.Id, cancellationToken);
        var response = new Proto.CheckReferralConsentResponse
        {
            ServiceUserId = user.Id,
            LifeDomain = (Proto.LifeDomain)need.LifeDomain,
            NeedStatus = (Proto.NeedStatus)need.Status,
            CaseId = openCase?.Id ?? "",
            CoordinatorMemberId = openCase?.CoordinatorMemberId ?? "",
            CoordinatorOrganizationId = openCase?.CoordinatorOrganizationId ?? "",
            CaseVersion = openCase?.Version ?? 0,
            AgeYears = user.AgeOn(DateOnly.FromDateTime(now.UtcDateTime)),
            Neighbourhood = user.Neighbourhood,
        };

        var receiverKind = await KindOfAsync(request.ToOrganizationId, cancellationToken);
        var granting = await db.ReferralConsentAsync(user.Id, need.DomainBit, request.ToOrganizationId, receiverKind, now, request.ConsentId, cancellationToken);
        if (granting is not null)
        {
            audit.Grounds($"consent:{granting.Id}");
            response.Granted = true;
            response.ConsentId = granting.Id;
            response.ConsentEndTime = granting.EndAt?.ToProtoTimestamp();
        }

        return response;
    }

    /// <inheritdoc />
    [Authorize(Policy = Workload.Policy)]
    [Audited(AuditKind.Read, "service-user", "support-check")]
    public override async Task<Proto.CheckSupportConsentResponse> CheckSupportConsent(Proto.CheckSupportConsentRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var cancellationToken = context.CancellationToken;
        audit.Subject(request.ServiceUserId, request.ServiceUserId);
        var organization = new Caller(request.MemberId, request.OrganizationId, Role.Professional)
        {
            OrganizationKind = await KindOfAsync(request.OrganizationId, cancellationToken),
        };

        // What the organization may not see does not exist for it, as on its own calls.
        var visible = await db.VisibleAsync(request.ServiceUserId, organization, now, cancellationToken) ?? throw new NotFoundException("ServiceUser", request.ServiceUserId);
        var user = visible.User;
        audit.Subject(user.Id, user.Id);
        Need? need = null;
        if (request.NeedId.Length > 0)
        {
            need = await db.VisibleNeeds(organization, now).AsNoTracking().FirstOrDefaultAsync(n => n.Id == request.NeedId && n.ServiceUserId == user.Id, cancellationToken)
                ?? throw new NotFoundException("Need", request.NeedId);
        }

        var coordination = db.GrantsTo(organization, now).AsNoTracking().Where(c => c.ServiceUserId == user.Id && c.Purpose == ConsentPurpose.Coordination);
        if (need is not null)
        {
            coordination = coordination.Where(c => (c.DomainMask & need.DomainBit) != 0);
        }

        var response = new Proto.CheckSupportConsentResponse { ServiceUserId = user.Id, NeedLifeDomain = (Proto.LifeDomain)(need?.LifeDomain ?? 0) };
        var granting = await coordination.OrderBy(c => c.EndAt == null ? 0 : 1).ThenByDescending(c => c.EndAt).FirstOrDefaultAsync(cancellationToken);
        if (granting is null)
        {
            return response;
        }

        audit.Grounds($"consent:{granting.Id}");
        var covered = await coordination.Select(c => c.DomainMask).ToListAsync(cancellationToken);
        var mask = covered.Aggregate(0, (all, m) => all | m);
        var openNeeds = await db.Needs.AsNoTracking()
            .Where(n => n.ServiceUserId == user.Id && n.Status != NeedStatus.Met && n.Status != NeedStatus.Unmet && (n.DomainBit & mask) != 0)
            .OrderBy(n => n.Id).Select(n => new { n.Id, n.LifeDomain, n.Status }).ToListAsync(cancellationToken);
        var household = await db.HouseholdLinks.AsNoTracking().Where(l => l.ServiceUserId == user.Id).Select(l => l.OtherServiceUserId).ToListAsync(cancellationToken);
        var openCase = await db.Cases.AsNoTracking().Where(c => c.ServiceUserId == user.Id && c.Status == CaseStatus.Open)
            .Select(c => new { c.Id, c.CoordinatorMemberId, c.CoordinatorOrganizationId }).FirstOrDefaultAsync(cancellationToken);
        response.Granted = true;
        response.ConsentId = granting.Id;
        response.ConsentEndTime = granting.EndAt?.ToProtoTimestamp();
        response.Neighbourhood = user.Neighbourhood;
        response.Languages.AddRange(user.Languages);
        response.OpenNeeds.AddRange(openNeeds.Select(n => new Proto.SupportNeed { NeedId = n.Id, LifeDomain = (Proto.LifeDomain)n.LifeDomain, Status = (Proto.NeedStatus)n.Status }));
        response.HouseholdServiceUserIds.AddRange(household);
        response.CaseId = openCase?.Id ?? "";
        response.CoordinatorMemberId = openCase?.CoordinatorMemberId ?? "";
        response.CoordinatorOrganizationId = openCase?.CoordinatorOrganizationId ?? "";
        return response;
    }

    // The consents of a service user the caller may read, or null when it may read none of them.
    private async Task<IQueryable<Consent>?> ReadableConsentsAsync(string serviceUserId, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ofUser = db.Consents.Where(c => c.ServiceUserId == serviceUserId);
        if (caller.Role == Role.PrivacyOfficer)
        {
            var concerning = ofUser.Where(c => c.RecordedByOrganizationId == caller.OrganizationId || c.OrganizationId == caller.OrganizationId);
            return await concerning.AnyAsync(cancellationToken) ? concerning : null;
        }

        var visible = await db.VisibleAsync(serviceUserId, caller, now, cancellationToken);
        if (visible is null)
        {
            return null;
        }

        audit.Grounds($"consent:{visible.Basis.Id}");
        var coordinates = await db.VisibleAsync(serviceUserId, caller, now, cancellationToken, tracked: false, ConsentPurpose.Coordination) is not null;
        return coordinates
            ? ofUser
            : ofUser.Where(c => c.OrganizationId == caller.OrganizationId || (caller.OrganizationKind != null && c.OrganizationKind == caller.OrganizationKind));
    }

    private async Task<Consent> FindConsentAsync(string id, Caller caller, DateTimeOffset now, bool tracked, CancellationToken cancellationToken)
    {
        // A refusal is on record under the consent's service user too: a stranger's guess belongs in that person's log.
        var serviceUserId = await db.Consents.AsNoTracking().Where(c => c.Id == id).Select(c => c.ServiceUserId).FirstOrDefaultAsync(cancellationToken);
        audit.Subject(id, serviceUserId);
        var readable = serviceUserId is null ? null : await ReadableConsentsAsync(serviceUserId, caller, now, cancellationToken);
        var consents = readable is null ? null : tracked ? readable : readable.AsNoTracking();
        var consent = consents is null ? null : await consents.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (consent is null)
        {
            throw new NotFoundException("Consent", id);
        }

        audit.Subject(consent.Id, consent.ServiceUserId);
        return consent;
    }

    private async Task<RevocationGround?> RevocationGroundAsync(Consent consent, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (caller.Role == Role.PrivacyOfficer)
        {
            return consent.RecordedByOrganizationId == caller.OrganizationId || consent.OrganizationId == caller.OrganizationId
                ? RevocationGround.PrivacyOfficer
                : null;
        }

        if (consent.RecordedByOrganizationId == caller.OrganizationId)
        {
            return RevocationGround.RecordingOrganization;
        }

        return await db.VisibleAsync(consent.ServiceUserId, caller, now, cancellationToken, tracked: false, ConsentPurpose.Coordination) is not null
            ? RevocationGround.Coordinator
            : null;
    }

    private Task<OrganizationKind?> KindOfAsync(string organizationId, CancellationToken cancellationToken) =>
        db.KindOfOrganizationAsync(organizationId, cancellationToken);

    private static System.Linq.Expressions.Expression<Func<Consent, bool>> StatusIn(IReadOnlyCollection<ConsentStatus> statuses, DateTimeOffset now)
    {
        var revoked = statuses.Contains(ConsentStatus.Revoked);
        var pending = statuses.Contains(ConsentStatus.Pending);
        var expired = statuses.Contains(ConsentStatus.Expired);
        var active = statuses.Contains(ConsentStatus.Active);
        return c => (revoked && c.RevokedAt != null)
            || (c.RevokedAt == null && ((pending && c.StartAt > now)
                || (expired && c.StartAt <= now && c.EndAt != null && c.EndAt <= now)
                || (active && c.StartAt <= now && (c.EndAt == null || c.EndAt > now))));
    }
}
