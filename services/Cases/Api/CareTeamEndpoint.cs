using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using Proto = ReferralNet.Contracts.V1;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Cases.Api;

/// <summary>
/// The care team: who is involved with a service user. Organizations see the involvements of service users they hold a
/// consent for (those tied to a need only where the consent covers its domain) and change only their own. Coordinators,
/// providers of accepted referrals and spanners are kept by the service from cases and events; the rest is added by hand.
/// </summary>
public sealed class CareTeamEndpoint(CasesDbContext db, AuditScope audit, MembershipCache memberships, TimeProvider time, PageTokens pageTokens)
    : Proto.CareTeamService.CareTeamServiceBase
{
    private const string CareTeam = "care-team";

    /// <inheritdoc />
    [Audited(AuditKind.Change, "involvement", CareTeam)]
    public override async Task<Proto.AddInvolvementResponse> AddInvolvement(Proto.AddInvolvementRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var spec = request.Involvement;
        var user = (await db.VisibleOnRecordAsync(audit, spec.ServiceUserId, caller, now, context.CancellationToken)).User;
        if (spec.NeedId.Length > 0 && !await db.VisibleNeeds(caller, now).AnyAsync(n => n.Id == spec.NeedId && n.ServiceUserId == user.Id, context.CancellationToken))
        {
            throw new NotFoundException("Need", spec.NeedId);
        }

        var memberId = spec.MemberId.Length > 0 ? spec.MemberId : caller.MemberId;
        await RequireColleagueAsync(memberId, caller, context.CancellationToken);
        return await db.CreateOnceAsync(context, caller, request, request.RequestId, now, () =>
        {
            var involvement = new Involvement(
                user.Id,
                new InvolvementSpec(caller.OrganizationId, memberId, null, "", (InvolvementRole)spec.Role, spec.Description.Trim(), spec.NeedId.Length > 0 ? spec.NeedId : null),
                new InvolvementSource(),
                spec.StartTime?.ToInstant() ?? now,
                now);
            db.Involvements.Add(involvement);
            db.CareTeamChanged(involvement, joined: true, now);
            return Task.FromResult(new Proto.AddInvolvementResponse { Involvement = involvement.ToProto(now) });
        }, added => added.Involvement.Id, added => added.Involvement.ServiceUserId);
    }

    /// <inheritdoc />
    [Audited(AuditKind.Read, "involvement", CareTeam)]
    public override async Task<Proto.ListInvolvementsResponse> ListInvolvements(Proto.ListInvolvementsRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional, Role.OrgAdmin);
        var now = time.GetUtcNow();
        var size = Paging.Size(request.PageSize, 50, 200);
        var pageQuery = $"{context.Method}|{request.ServiceUserId}|{request.MemberId}|{request.IncludeEnded}";
        var after = pageTokens.Decode(request.PageToken, pageQuery, keyCount: 1)?.Keys[0];
        var query = db.VisibleInvolvements(caller, now).AsNoTracking();
        if (request.ServiceUserId.Length > 0)
        {
            var user = (await db.VisibleOnRecordAsync(audit, request.ServiceUserId, caller, now, context.CancellationToken)).User;
            query = query.Where(i => i.ServiceUserId == user.Id);
        }

        if (request.MemberId.Length > 0)
        {
            // A member's caseload is their own organization's business.
            audit.Subject(request.MemberId);
            query = query.Where(i => i.MemberId == request.MemberId && i.OrganizationId == caller.OrganizationId);
        }

        if (!request.IncludeEnded)
        {
            query = query.Where(Involvement.ActiveAt(now));
        }

        var page = await Paging.PageAsync(query, after, size, context.CancellationToken);
        audit.Read(page.Items.Select(i => i.ServiceUserId));
        return new Proto.ListInvolvementsResponse
        {
            Involvements = { page.Items.Select(i => i.ToProto(now)) },
            NextPageToken = pageTokens.NextToken(page, pageQuery),
        };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "involvement", CareTeam)]
    public override async Task<Proto.EndInvolvementResponse> EndInvolvement(Proto.EndInvolvementRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var involvement = await OwnInvolvementAsync(request.Id, request.Etag, caller, now, context.CancellationToken);
        var reason = request.Reason == Proto.InvolvementEndReason.Unspecified ? InvolvementEndReason.Completed : (InvolvementEndReason)request.Reason;
        involvement.End(reason, request.EndTime?.ToInstant() ?? now, now);
        db.CareTeamChanged(involvement, joined: false, now);
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.EndInvolvementResponse { Involvement = involvement.ToProto(now) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "involvement", CareTeam)]
    public override async Task<Proto.ConfirmInvolvementResponse> ConfirmInvolvement(Proto.ConfirmInvolvementRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var now = time.GetUtcNow();
        var involvement = await OwnInvolvementAsync(request.Id, request.Etag, caller, now, context.CancellationToken);
        involvement.ConfirmReviewed(now);
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.ConfirmInvolvementResponse { Involvement = involvement.ToProto(now) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "involvement", CareTeam)]
    public override async Task<Proto.HandOverInvolvementResponse> HandOverInvolvement(Proto.HandOverInvolvementRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional, Role.OrgAdmin);
        var now = time.GetUtcNow();
        var involvement = await OwnInvolvementAsync(request.Id, request.Etag, caller, now, context.CancellationToken);
        await RequireColleagueAsync(request.ToMemberId, caller, context.CancellationToken);
        var successor = involvement.HandOverTo(request.ToMemberId, request.Note.Trim(), new InvolvementSource(involvement.CaseId, involvement.ReferralId), now);
        db.Involvements.Add(successor);
        await db.SaveChangesAsync(context.CancellationToken);
        return new Proto.HandOverInvolvementResponse { PreviousInvolvement = involvement.ToProto(now), Involvement = successor.ToProto(now) };
    }

    /// <inheritdoc />
    [Audited(AuditKind.Change, "member", CareTeam)]
    public override async Task<Proto.HandOverMemberResponse> HandOverMember(Proto.HandOverMemberRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.OrgAdmin);
        var now = time.GetUtcNow();
        audit.Subject(request.FromMemberId);
        var leaving = await memberships.FindAsync(request.FromMemberId, context.CancellationToken);
        if (leaving?.OrganizationId != caller.OrganizationId)
        {
            throw new NotFoundException("Member", request.FromMemberId);
        }

        var successor = await RequireColleagueAsync(request.ToMemberId, caller, context.CancellationToken);
        await using var write = await db.BeginWriteAsync(context.CancellationToken);
        var involvements = await db.Involvements.Where(i => i.MemberId == request.FromMemberId && i.OrganizationId == caller.OrganizationId)
            .Where(Involvement.ActiveAt(now)).ToListAsync(context.CancellationToken);
        var cases = await db.Cases.Where(c => c.CoordinatorMemberId == request.FromMemberId && c.Status == CaseStatus.Open).ToListAsync(context.CancellationToken);

        // A coordinator involvement moves with its case below; every other involvement is handed over here.
        foreach (var involvement in involvements.Where(i => i.Role != InvolvementRole.Coordinator))
        {
            db.Involvements.Add(involvement.HandOverTo(successor.MemberId, request.Note.Trim(), new InvolvementSource(involvement.CaseId, involvement.ReferralId), now));
        }

        foreach (var handedOver in cases)
        {
            var previous = handedOver.HandOverTo(new Coordinator(successor.MemberId, successor.OrganizationId, successor.EndsAt, successor.Version), request.Note.Trim(), now);
            db.AddEvent(Events.IntegrationEvents.CoordinatorChangedEvent(handedOver, previous), now);
            await db.SyncCoordinatorAsync(handedOver, request.Note.Trim(), now, context.CancellationToken);
        }

        await db.SaveChangesAsync(context.CancellationToken);
        await write.CommitAsync(context.CancellationToken);
        return new Proto.HandOverMemberResponse
        {
            InvolvementsHandedOver = involvements.Count(i => i.Role != InvolvementRole.Coordinator),
            CasesHandedOver = cases.Count,
        };
    }

    // Another member of the caller's organization who can take the work over: active and a professional.
    private async Task<MemberStanding> RequireColleagueAsync(string memberId, Caller caller, CancellationToken cancellationToken)
    {
        var standing = await memberships.FindAsync(memberId, cancellationToken);
        if (standing is not { IsActive: true, Role: Role.Professional } || standing.OrganizationId != caller.OrganizationId)
        {
            throw new DomainRuleException("NOT_AN_ACTIVE_COLLEAGUE", "The member must be an active professional of the caller's organization.");
        }

        return standing;
    }

    private async Task<Involvement> OwnInvolvementAsync(string id, string etag, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var involvement = await db.ObjectOnRecordAsync(
            audit, id, db.VisibleInvolvements(caller, now).Where(i => i.Id == id), db.Involvements.Where(i => i.Id == id), caller, now,
            i => i.ServiceUserId, _ => null, "Involvement", [], cancellationToken);
        if (involvement.OrganizationId != caller.OrganizationId)
        {
            throw new PermissionDeniedException("Only the involved organization changes its involvement.", "NOT_INVOLVED_ORGANIZATION");
        }

        if (involvement.Role is InvolvementRole.Coordinator or InvolvementRole.ConstantContact)
        {
            throw new DomainRuleException("KEPT_BY_THE_SERVICE", "Coordinator involvements follow the case and constant contacts the spanner assignments.");
        }

        involvement.EnsureVersion(etag, "involvement");
        return involvement;
    }
}
