using FluentValidation;
using Grpc.Core;
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
/// Cases and needs. A case is visible to organizations with a COORDINATION consent and changed only by the coordinator's
/// organization. A need is visible to organizations whose consent covers its life domain, and recorded or changed by those
/// with a COORDINATION or CARE consent covering it. Outside that scope everything answers NOT_FOUND.
/// </summary>
public sealed class CasesEndpoint(
    CasesDbContext db,
    AuditScope audit,
    MembershipCache memberships,
    TimeProvider time,
    PageTokens pageTokens,
    IValidator<Proto.Case> caseRules,
    IValidator<Proto.Need> needRules) : Proto.CasesService.CasesServiceBase
{
    private const string Coordination = "coordination";
    private const string Care = "care";
    private static readonly string[] CaseChangeable = ["plan", "goals", "household_service_user_ids", "coordinator_member_id"];
    private static readonly string[] NeedChangeable = ["severity", "description", "dimensions"];
    private static readonly ConsentPurpose[] Changing = [ConsentPurpose.Coordination, ConsentPurpose.Care];

    /// <inheritdoc />
    [Audited(AuditKind.Change, "case", Coordination)]
    public override async Task<Proto.OpenCaseResponse> OpenCase(Proto.OpenCaseRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var spec = request.Case;
        var user = await CoordinatedServiceUserAsync(spec.ServiceUserId, caller, now, context.CancellationToken);
        var coordinator = await CoordinatorAsync(spec.CoordinatorMemberId, caller, user.Id, now, context.CancellationToken);
        await using var write = await db.BeginWriteAsync(context.CancellationToken);

        // The service user's row lock makes "one open case" hold against a concurrent open.
        await db.LockAsync(db.ServiceUsers.Where(s => s.Id == user.Id), context.CancellationToken);
        var response = await db.CreateOnceAsync(context, caller, request, request.RequestId, now, async () =>
        {
            if (await db.Cases.AnyAsync(c => c.ServiceUserId == user.Id && c.Status == CaseStatus.Open, context.CancellationToken))
            {
                throw new AlreadyExistsException("CASE_ALREADY_OPEN", "The service user has an open case; update it, or close it first.");
            }

            await EnsureHouseholdAsync(user.Id, spec.HouseholdServiceUserIds, context.CancellationToken);
            var opened = new Case(user.Id, [.. spec.HouseholdServiceUserIds], coordinator, spec.Plan.Trim(), spec.Goals.ToSpecs(), now);
            db.Cases.Add(opened);
            db.Involvements.Add(CareTeam.CoordinatorOf(opened, now));
            db.AddEvent(opened.OpenedEvent(), now);
            db.CaseChanged(opened, "Case opened", now);
            return new Proto.OpenCaseResponse { Case = opened.ToProto(now) };
        }, opened => opened.Case.Id, opened => opened.Case.ServiceUserId);
        await write.CommitAsync(context.CancellationToken);
        return response;
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "case", Coordination)]
    public override async Task<Proto.GetCaseResponse> GetCase(Proto.GetCaseRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        return new Proto.GetCaseResponse { Case = (await FindCaseAsync(request.Id, caller, now, tracked: false, context.CancellationToken)).ToProto(now) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "case", Coordination)]
    public override async Task<Proto.ListCasesResponse> ListCases(Proto.ListCasesRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var size = Paging.Size(request.PageSize, 50, 200);

        // By default the caller's own caseload; for one service user, every case of it the caller may see.
        var coordinator = request.CoordinatorMemberId.Length > 0 ? request.CoordinatorMemberId : request.ServiceUserId.Length == 0 ? caller.MemberId : null;
        var statuses = request.Statuses.Select(s => (CaseStatus)s).Distinct().Order().ToList();
        var pageQuery = $"{context.Method}|{coordinator}|{request.ServiceUserId}|{string.Join(',', statuses)}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        var query = db.VisibleCases(caller, now).AsNoTracking().Include(c => c.Goals).AsQueryable();
        if (coordinator is not null)
        {
            query = query.Where(c => c.CoordinatorMemberId == coordinator);
        }

        if (request.ServiceUserId.Length > 0)
        {
            audit.Subject(request.ServiceUserId, request.ServiceUserId);
            query = query.Where(c => c.ServiceUserId == request.ServiceUserId || c.HouseholdServiceUserIds.Contains(request.ServiceUserId));
        }

        if (statuses.Count > 0)
        {
            query = query.Where(c => statuses.Contains(c.Status));
        }

        var page = await Paging.PageAsync(query, after, size, context.CancellationToken, newestFirst: true);
        audit.Read(page.Items.Select(c => c.ServiceUserId));
        return new Proto.ListCasesResponse
        {
            Cases = { page.Items.Select(c => c.ToProto(now)) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "case", Coordination)]
    public override async Task<Proto.UpdateCaseResponse> UpdateCase(Proto.UpdateCaseRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var found = await CoordinatedCaseAsync(request.Case.Id, request.Case.Etag, caller, now, context.CancellationToken);
        var merged = ProtoValues.MergeUpdate(found.ToProto(now), request.Case, request.UpdateMask, CaseChangeable);
        caseRules.EnsureValid(merged, "case");
        await EnsureHouseholdAsync(found.ServiceUserId, merged.HouseholdServiceUserIds, context.CancellationToken);
        found.Change(merged.Plan.Trim(), merged.Goals.ToSpecs(), [.. merged.HouseholdServiceUserIds], now);
        if (merged.CoordinatorMemberId != found.CoordinatorMemberId)
        {
            var coordinator = await CoordinatorAsync(merged.CoordinatorMemberId, caller, found.ServiceUserId, now, context.CancellationToken);
            var previous = found.HandOverTo(coordinator, request.HandoverNote.Trim(), now);
            db.AddEvent(found.CoordinatorChangedEvent(previous), now);
            db.CaseChanged(found, "Case handed over to another coordinator", now);
            await db.SyncCoordinatorAsync(found, request.HandoverNote.Trim(), now, context.CancellationToken);
        }

        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.UpdateCaseResponse { Case = found.ToProto(now) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "case", Coordination)]
    public override async Task<Proto.CloseCaseResponse> CloseCase(Proto.CloseCaseRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var found = await CoordinatedCaseAsync(request.Id, request.Etag, caller, now, context.CancellationToken);
        found.Close(request.Reason.Trim(), now);
        db.AddEvent(found.ClosedEvent(), now);
        db.CaseChanged(found, "Case closed", now);
        await db.SyncCoordinatorAsync(found, "", now, context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.CloseCaseResponse { Case = found.ToProto(now) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "need", Care)]
    public override async Task<Proto.RecordNeedResponse> RecordNeed(Proto.RecordNeedRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var spec = request.Need;
        var domain = (LifeDomain)spec.LifeDomain;
        var visible = await db.VisibleOnRecordAsync(audit, spec.ServiceUserId, caller, now, context.CancellationToken);
        if (!await CoversAsync(visible.User.Id, caller, now, domain, context.CancellationToken))
        {
            throw new PermissionDeniedException($"No COORDINATION or CARE consent of the caller's organization covers {domain}.", "CONSENT_MISSING");
        }

        return await db.CreateOnceAsync(context, caller, request, request.RequestId, now, () =>
        {
            var need = new Need(visible.User.Id, domain, (NeedSeverity)spec.Severity, spec.Description.Trim(), spec.Dimensions.ToDomain(), caller.MemberId, caller.OrganizationId, now);
            db.Needs.Add(need);
            db.AddEvent(need.RecordedEvent(), now);
            db.NeedRecorded(need, now);
            return Task.FromResult(new Proto.RecordNeedResponse { Need = need.ToProto() });
        }, recorded => recorded.Need.Id, recorded => recorded.Need.ServiceUserId);
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "need", Care)]
    public override async Task<Proto.GetNeedResponse> GetNeed(Proto.GetNeedRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        return new Proto.GetNeedResponse { Need = (await FindNeedAsync(request.Id, caller, now, tracked: false, [], context.CancellationToken)).ToProto() };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "need", Care)]
    public override async Task<Proto.ListNeedsResponse> ListNeeds(Proto.ListNeedsRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var size = Paging.Size(request.PageSize, 50, 200);
        var user = (await db.VisibleOnRecordAsync(audit, request.ServiceUserId, caller, now, context.CancellationToken)).User;
        var statuses = request.Statuses.Select(s => (NeedStatus)s).Distinct().Order().ToList();
        var domains = request.LifeDomains.Select(d => (LifeDomain)d).Distinct().Order().ToList();
        var pageQuery = $"{context.Method}|{user.Id}|{string.Join(',', statuses)}|{string.Join(',', domains)}|{request.AtRiskOnly}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        var query = db.VisibleNeeds(caller, now).AsNoTracking().Where(n => n.ServiceUserId == user.Id);
        if (statuses.Count > 0)
        {
            query = query.Where(n => statuses.Contains(n.Status));
        }

        if (domains.Count > 0)
        {
            query = query.Where(n => domains.Contains(n.LifeDomain));
        }

        if (request.AtRiskOnly)
        {
            query = query.Where(n => n.AtRisk);
        }

        var page = await Paging.PageAsync(query, after, size, context.CancellationToken);
        return new Proto.ListNeedsResponse
        {
            Needs = { page.Items.Select(n => n.ToProto()) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "need", Care)]
    public override async Task<Proto.UpdateNeedResponse> UpdateNeed(Proto.UpdateNeedRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var need = await FindNeedAsync(request.Need.Id, caller, now, tracked: true, Changing, context.CancellationToken);
        need.EnsureVersion(request.Need.Etag, "need");
        var merged = ProtoValues.MergeUpdate(need.ToProto(), request.Need, request.UpdateMask, NeedChangeable);
        needRules.EnsureValid(merged, "need");
        need.Change((NeedSeverity)merged.Severity, merged.Description.Trim(), merged.Dimensions.ToDomain(), now);
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.UpdateNeedResponse { Need = need.ToProto() };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "need", Care)]
    public override async Task<Proto.ChangeNeedStatusResponse> ChangeNeedStatus(Proto.ChangeNeedStatusRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var need = await FindNeedAsync(request.Id, caller, now, tracked: true, Changing, context.CancellationToken);
        need.EnsureVersion(request.Etag, "need");
        var previous = need.ChangeStatus((NeedStatus)request.Status, request.Note.Trim(), now);
        db.AddEvent(need.StatusChangedEvent(previous), now);
        db.NeedStatusChanged(need, caller.OrganizationId, now);
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.ChangeNeedStatusResponse { Need = need.ToProto() };
    }

    private async Task<ServiceUser> CoordinatedServiceUserAsync(string id, Caller caller, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await db.VisibleOnRecordAsync(audit, id, caller, now, cancellationToken, tracked: false, ConsentPurpose.Coordination)).User;

    // The coordinator named (the caller when none is): an active professional of an organization with a COORDINATION
    // consent for the service user, as the directory confirms it.
    private async Task<Coordinator> CoordinatorAsync(string memberId, Caller caller, string serviceUserId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var standing = await memberships.FindAsync(memberId.Length > 0 ? memberId : caller.MemberId, cancellationToken);
        var eligible = standing is { IsActive: true, Role: Role.Professional }
            && await db.Consents.AnyAsync(
                c => c.ServiceUserId == serviceUserId && c.Purpose == ConsentPurpose.Coordination
                    && (c.OrganizationId == standing.OrganizationId || (standing.OrganizationKind != null && c.OrganizationKind == standing.OrganizationKind))
                    && c.StartAt <= now && (c.EndAt == null || c.EndAt > now) && c.RevokedAt == null,
                cancellationToken);
        if (!eligible)
        {
            throw new DomainRuleException("COORDINATOR_NOT_ELIGIBLE", "The coordinator must be an active professional of an organization with a COORDINATION consent of the service user.");
        }

        return new Coordinator(standing!.MemberId, standing.OrganizationId, standing.EndsAt, standing.Version);
    }

    private async Task EnsureHouseholdAsync(string serviceUserId, IEnumerable<string> household, CancellationToken cancellationToken)
    {
        var wanted = household.Distinct().ToList();
        var linked = await db.HouseholdLinks.Where(l => l.ServiceUserId == serviceUserId && wanted.Contains(l.OtherServiceUserId))
            .Select(l => l.OtherServiceUserId).ToListAsync(cancellationToken);
        if (wanted.Except(linked).FirstOrDefault() is { } stranger)
        {
            throw new DomainRuleException("NOT_IN_HOUSEHOLD", $"Service user '{stranger.Capped(64, "…")}' is not linked to the case's service user as a household member.");
        }
    }

    private async Task<Case> FindCaseAsync(string id, Caller caller, DateTimeOffset now, bool tracked, CancellationToken cancellationToken)
    {
        var cases = db.VisibleCases(caller, now).Include(c => c.Goals).Where(c => c.Id == id);
        return await db.ObjectOnRecordAsync(
            audit, id, tracked ? cases : cases.AsNoTracking(), db.Cases.Where(c => c.Id == id), caller, now,
            c => c.ServiceUserId, _ => null, "Case", [ConsentPurpose.Coordination], cancellationToken);
    }

    private async Task<Case> CoordinatedCaseAsync(string id, string etag, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = await FindCaseAsync(id, caller, now, tracked: true, cancellationToken);
        if (found.CoordinatorOrganizationId != caller.OrganizationId)
        {
            throw new PermissionDeniedException("Only the coordinator's organization changes the case.", "NOT_COORDINATOR_ORGANIZATION");
        }

        found.EnsureVersion(etag, "case");
        return found;
    }

    private async Task<Need> FindNeedAsync(string id, Caller caller, DateTimeOffset now, bool tracked, ConsentPurpose[] purposes, CancellationToken cancellationToken)
    {
        var needs = db.VisibleNeeds(caller, now, purposes).Where(n => n.Id == id);
        return await db.ObjectOnRecordAsync(
            audit, id, tracked ? needs : needs.AsNoTracking(), db.Needs.Where(n => n.Id == id), caller, now,
            n => n.ServiceUserId, n => n.LifeDomain, "Need", purposes, cancellationToken);
    }

    private Task<bool> CoversAsync(string serviceUserId, Caller caller, DateTimeOffset now, LifeDomain domain, CancellationToken cancellationToken)
    {
        var bit = Consent.MaskOf([domain]);
        return db.GrantsTo(caller, now).AnyAsync(c => c.ServiceUserId == serviceUserId && Changing.Contains(c.Purpose) && (c.DomainMask & bit) != 0, cancellationToken);
    }
}
