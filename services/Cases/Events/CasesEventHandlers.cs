using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Messaging;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases.Events;

/// <summary>
/// Keeps the end of each coordinator's membership on their open cases, so a case needs a handover from the moment its
/// coordinator leaves (also a departure planned ahead), without anyone having to notice.
/// </summary>
public sealed class CoordinatorMembershipHandler(TimeProvider time) : IIntegrationEventHandler<CasesDbContext, Proto.MemberChanged>
{
    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.MemberChanged integrationEvent, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (integrationEvent.Member is not { } member)
        {
            return;
        }

        var now = time.GetUtcNow();

        // A member who is no longer a professional coordinates nothing from now on, whatever the end of the membership.
        var endsAt = member.Role != Proto.MemberRole.Professional ? now : member.EndTime?.ToInstant();
        var leaves = endsAt is { } end ? $" on {end.UtcDateTime:yyyy-MM-dd}" : "";

        // The coordinator is told on the service user's timeline, which the network view shows.
        foreach (var coordinated in await db.Cases.Where(c => c.CoordinatorMemberId == member.Id && c.Status == CaseStatus.Open).ToListAsync(cancellationToken))
        {
            if (coordinated.CoordinatorMembershipChanged(endsAt, integrationEvent.Version, now) && endsAt is not null)
            {
                db.Alert(coordinated.ServiceUserId, $"The coordinator leaves{leaves}: the case needs a new coordinator", now, coordinated.CoordinatorOrganizationId);
            }
        }

        foreach (var involvement in await db.Involvements.Where(i => i.MemberId == member.Id && i.EndAt == null).ToListAsync(cancellationToken))
        {
            if (involvement.MembershipChanged(endsAt, integrationEvent.Version, now) && endsAt is not null && involvement.Role != InvolvementRole.Coordinator)
            {
                db.Alert(involvement.ServiceUserId, $"A care-team member leaves{leaves}: {TimelineWriter.Words(involvement.Role)} needs a handover", now, involvement.OrganizationId, involvement.NeedId);
            }
        }
    }
}

/// <summary>
/// Keeps the providers of accepted referrals in the care team: an accepted referral adds its receiving organization
/// (and the member handling it) for the need, a referral that ends ends that involvement.
/// </summary>
public sealed class ReferralInvolvementHandler(TimeProvider time) : IIntegrationEventHandler<CasesDbContext, Proto.ReferralStatusChanged>
{
    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.ReferralStatusChanged changed, EventMetadata metadata, CancellationToken cancellationToken)
    {
        var ends = changed.Status is Proto.ReferralStatus.Completed or Proto.ReferralStatus.Declined or Proto.ReferralStatus.Cancelled
            or Proto.ReferralStatus.Expired or Proto.ReferralStatus.Failed or Proto.ReferralStatus.EnteredInError;
        if (!await db.AcceptsAsync($"referral:{changed.ReferralId}", changed.Version, ends, cancellationToken))
        {
            return;
        }

        var now = time.GetUtcNow();
        var at = changed.ChangeTime?.ToInstant() ?? metadata.OccurredAt;
        var current = await db.Involvements.FirstOrDefaultAsync(i => i.ReferralId == changed.ReferralId && i.EndAt == null, cancellationToken);
        if (ends)
        {
            current?.End(changed.Status == Proto.ReferralStatus.Completed ? InvolvementEndReason.Completed : InvolvementEndReason.SourceEnded, at, now);
        }
        else if (changed.Status == Proto.ReferralStatus.Accepted && current is null)
        {
            var serviceUserId = await db.LiveIdOfAsync(changed.ServiceUserId, cancellationToken);
            db.Involvements.Add(new Involvement(
                serviceUserId,
                new InvolvementSpec(changed.ToOrganizationId, changed.HandlerMemberId.Length > 0 ? changed.HandlerMemberId : null, null, "", InvolvementRole.Provider, "Accepted a referral", changed.NeedId),
                new InvolvementSource(ReferralId: changed.ReferralId),
                at,
                now));
        }
    }
}

/// <summary>
/// Keeps boundary spanners in the care team from the spanners service's assignments, and their succession when a spanner
/// stops: the stopped spanner's involvement stays (needing a handover) until its successor's assignment arrives, so the
/// service user is never left without a constant contact while one is on the way. Each change goes on the timeline once.
/// </summary>
public sealed class SpannerInvolvementHandler(TimeProvider time)
    : IIntegrationEventHandler<CasesDbContext, Proto.SpannerAssigned>, IIntegrationEventHandler<CasesDbContext, Proto.SpannerAssignmentEnded>,
        IIntegrationEventHandler<CasesDbContext, Proto.SpannerStopped>, IIntegrationEventHandler<CasesDbContext, Proto.SpannerSucceeded>
{
    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.SpannerAssigned assigned, EventMetadata metadata, CancellationToken cancellationToken)
    {
        // The involvement check covers producers without versions (0), whose repeats the source state cannot tell apart.
        if (!await db.AcceptsAsync($"assignment:{assigned.AssignmentId}", assigned.Version, ends: false, cancellationToken)
            || await db.Involvements.AnyAsync(i => i.AssignmentId == assigned.AssignmentId, cancellationToken))
        {
            return;
        }

        var now = time.GetUtcNow();
        var at = assigned.StartTime?.ToInstant() ?? metadata.OccurredAt;
        var previous = assigned.PreviousAssignmentId.Length > 0
            ? await db.Involvements.FirstOrDefaultAsync(i => i.AssignmentId == assigned.PreviousAssignmentId, cancellationToken)
            : null;
        var involvement = new Involvement(
            await db.LiveIdOfAsync(assigned.ServiceUserId, cancellationToken),
            new InvolvementSpec(
                assigned.SpannerOrganizationId, null, assigned.SpannerId, assigned.SpannerDisplayName,
                assigned.ConstantContact ? InvolvementRole.ConstantContact : InvolvementRole.Supporter,
                assigned.ConstantContact ? "Constant contact" : "Supports with a need",
                assigned.NeedId.Length > 0 ? assigned.NeedId : null,
                (int)assigned.SpannerKind),
            new InvolvementSource(AssignmentId: assigned.AssignmentId),
            at,
            now,
            previous);
        db.Involvements.Add(involvement);
        db.Timeline.Add(new TimelineEntry(
            involvement.ServiceUserId, at, TimelineKind.Spanner,
            assigned.ConstantContact ? "A boundary spanner became the constant contact" : "A boundary spanner started helping", assigned.SpannerOrganizationId,
            involvement.NeedId));

        // The successor is there: only now does the stopped spanner's part end, so there is no gap between the two.
        if (previous is { EndAt: null })
        {
            previous.End(InvolvementEndReason.HandedOver, at, now);
            db.CareTeamChanged(previous, joined: false, at);
        }
    }

    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.SpannerAssignmentEnded ended, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (!await db.AcceptsAsync($"assignment:{ended.AssignmentId}", ended.Version, ends: true, cancellationToken)
            || await db.Involvements.FirstOrDefaultAsync(i => i.AssignmentId == ended.AssignmentId && i.EndAt == null, cancellationToken) is not { } involvement)
        {
            return;
        }

        var now = time.GetUtcNow();
        var at = ended.EndTime?.ToInstant() ?? metadata.OccurredAt;

        // A stopped spanner's assignment ends with its succession (SpannerSucceeded, the successor's SpannerAssigned),
        // which may arrive later: until then the spanner stays the contact the service user has.
        if (ended.Reason == Proto.AssignmentEndReason.SpannerStopped)
        {
            db.SpannerStopped(involvement, at, now);
            return;
        }

        involvement.End(InvolvementEndReason.SourceEnded, at, now);
        db.CareTeamChanged(involvement, joined: false, at);
    }

    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.SpannerStopped stopped, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (!await db.AcceptsAsync($"spanner:{stopped.SpannerId}", stopped.Version, ends: true, cancellationToken))
        {
            return;
        }

        // Nothing ends here: one SpannerSucceeded follows per assignment. The coordinators are told on the timeline.
        var now = time.GetUtcNow();
        var at = stopped.StopTime?.ToInstant() ?? metadata.OccurredAt;
        foreach (var involvement in await db.Involvements.Where(i => i.SpannerId == stopped.SpannerId && i.EndAt == null).ToListAsync(cancellationToken))
        {
            db.SpannerStopped(involvement, at, now);
        }
    }

    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.SpannerSucceeded succeeded, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (!await db.AcceptsAsync($"succession:{succeeded.PreviousAssignmentId}", succeeded.Version, ends: true, cancellationToken))
        {
            return;
        }

        // The stopped spanner's assignment is over whatever else arrives late: its start never makes it active again.
        await db.AcceptsAsync($"assignment:{succeeded.PreviousAssignmentId}", 0, ends: true, cancellationToken);
        var now = time.GetUtcNow();
        var previous = await db.Involvements.FirstOrDefaultAsync(i => i.AssignmentId == succeeded.PreviousAssignmentId, cancellationToken);
        var at = previous?.SpannerStoppedAt ?? metadata.OccurredAt;
        if (succeeded.Basis == Proto.SuccessionBasis.None || succeeded.NewAssignmentId.Length == 0)
        {
            if (previous is { EndAt: null })
            {
                previous.End(InvolvementEndReason.SourceEnded, at, now);
                db.CareTeamChanged(previous, joined: false, at);
                db.Alert(previous.ServiceUserId, $"Nobody could take over from a stopped boundary spanner: the coordinator needs to find a new {TimelineWriter.Words(previous.Role)}",
                    at, previous.OrganizationId, previous.NeedId);
            }

            return;
        }

        // The successor's SpannerAssigned ends the stopped spanner's part when it arrives; when it came first, this does.
        var successor = await db.Involvements.FirstOrDefaultAsync(i => i.AssignmentId == succeeded.NewAssignmentId, cancellationToken);
        if (previous is { EndAt: null } && successor is not null)
        {
            previous.End(InvolvementEndReason.HandedOver, successor.StartAt, now);
            db.CareTeamChanged(previous, joined: false, successor.StartAt);
        }
        else if (previous is not null)
        {
            db.SpannerStopped(previous, at, now);
        }

        if (previous is not null)
        {
            db.Timeline.Add(new TimelineEntry(
                previous.ServiceUserId, at, TimelineKind.Spanner, $"A successor takes over from a stopped boundary spanner ({TimelineWriter.Words(succeeded.Basis)})",
                previous.OrganizationId, previous.NeedId));
        }
    }
}

/// <summary>The bookkeeping the event handlers share.</summary>
internal static class EventSources
{
    // Whichever of a stop's events arrives first while the successor is not there yet (the stop, the end of the
    // assignment, the succession) marks the involvement and tells the coordinator; the others find it marked.
    public static void SpannerStopped(this CasesDbContext db, Involvement involvement, DateTimeOffset at, DateTimeOffset now)
    {
        if (involvement.SpannerStopped(at, now))
        {
            db.Alert(involvement.ServiceUserId, $"A boundary spanner stopped: {TimelineWriter.Words(involvement.Role)} needs a successor", at, involvement.OrganizationId, involvement.NeedId);
        }
    }

    // Whether an event of the source is new (and then records it); see SourceState.
    public static async Task<bool> AcceptsAsync(this CasesDbContext db, string key, long version, bool ends, CancellationToken cancellationToken)
    {
        var state = await db.SourceStateAsync(key, cancellationToken);
        if (state is null)
        {
            state = new SourceState(key);
            db.SourceStates.Add(state);
        }

        return state.Accepts(version, ends);
    }

    // Events name the service user as the sender knew it; a merged record answers as the one it was merged into.
    public static async Task<string> LiveIdOfAsync(this CasesDbContext db, string serviceUserId, CancellationToken cancellationToken) =>
        await db.LiveIdAsync(serviceUserId, cancellationToken) ?? serviceUserId;
}

/// <summary>
/// Marks needs at risk of pillar-to-post, and clears them, as the referrals service finds; the coordinator is told on the
/// timeline when a need becomes at risk (or its reasons change) and when the risk clears, once per finding.
/// </summary>
public sealed class PillarToPostHandler(TimeProvider time)
    : IIntegrationEventHandler<CasesDbContext, Proto.PillarToPostDetected>, IIntegrationEventHandler<CasesDbContext, Proto.PillarToPostCleared>
{
    /// <inheritdoc />
    public Task HandleAsync(CasesDbContext db, Proto.PillarToPostDetected integrationEvent, EventMetadata metadata, CancellationToken cancellationToken) =>
        ApplyAsync(db, integrationEvent.NeedId, integrationEvent.Version, [.. integrationEvent.Reasons.Select(r => (PillarToPostReason)r)], integrationEvent.DetectTime?.ToInstant() ?? metadata.OccurredAt, cancellationToken);

    /// <inheritdoc />
    public Task HandleAsync(CasesDbContext db, Proto.PillarToPostCleared integrationEvent, EventMetadata metadata, CancellationToken cancellationToken) =>
        ApplyAsync(db, integrationEvent.NeedId, integrationEvent.Version, [], integrationEvent.ClearTime?.ToInstant() ?? metadata.OccurredAt, cancellationToken);

    private async Task ApplyAsync(CasesDbContext db, string needId, long version, IReadOnlyCollection<PillarToPostReason> reasons, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // A versioned finding is ordered by its version; one without (0) by its time, as the need keeps it.
        if (!await db.AcceptsAsync($"need-risk:{needId}", version, ends: false, cancellationToken)
            || await db.Needs.SingleOrDefaultAsync(n => n.Id == needId, cancellationToken) is not { } need
            || !need.RiskFound(reasons, at, time.GetUtcNow(), ordered: version > 0))
        {
            return;
        }

        db.Alert(need.ServiceUserId, need.AtRisk ? "Need at risk of pillar-to-post" : "Need no longer at risk of pillar-to-post", at, needId: need.Id, domain: need.LifeDomain);
    }
}

/// <summary>
/// Tells the coordinator, on the service user's timeline (and so in the network view), which boundary spanners the
/// spanners service proposes for a need at risk, or that none fits; once per finding of the risk.
/// </summary>
public sealed class SpannerProposalHandler : IIntegrationEventHandler<CasesDbContext, Proto.SpannersProposed>
{
    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.SpannersProposed proposed, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (!await db.AcceptsAsync($"spanner-proposal:{proposed.NeedId}", proposed.Version, ends: false, cancellationToken)
            || await db.Needs.AsNoTracking().SingleOrDefaultAsync(n => n.Id == proposed.NeedId, cancellationToken) is not { } need)
        {
            return;
        }

        var what = proposed.Spanners.Count == 0
            ? "No boundary spanner fits the need at risk: the coordinator needs to look further"
            : $"Boundary spanners proposed for the need at risk: {string.Join("; ", proposed.Spanners.Select(s => $"{s.DisplayName} ({s.RankingReason})"))}";
        db.Alert(need.ServiceUserId, what.Capped(300, "…"), metadata.OccurredAt, proposed.CoordinatorOrganizationId, need.Id, need.LifeDomain);
    }
}

/// <summary>
/// Lets each need's status follow its referrals (REFERRED when one is sent, IN_PROGRESS when one is taken on, MET or UNMET
/// when one completes), once per referral version: a late event of an older step changes nothing.
/// </summary>
public sealed class NeedProgressHandler(TimeProvider time)
    : IIntegrationEventHandler<CasesDbContext, Proto.ReferralRequested>, IIntegrationEventHandler<CasesDbContext, Proto.ReferralStatusChanged>
{
    /// <inheritdoc />
    public Task HandleAsync(CasesDbContext db, Proto.ReferralRequested requested, EventMetadata metadata, CancellationToken cancellationToken) =>
        FollowAsync(db, requested.ReferralId, requested.NeedId, requested.Version, ReferralProgress.Sent, requested.FromOrganizationId, cancellationToken);

    /// <inheritdoc />
    public Task HandleAsync(CasesDbContext db, Proto.ReferralStatusChanged changed, EventMetadata metadata, CancellationToken cancellationToken) => changed.Status switch
    {
        Proto.ReferralStatus.Accepted or Proto.ReferralStatus.InProgress =>
            FollowAsync(db, changed.ReferralId, changed.NeedId, changed.Version, ReferralProgress.Taken, changed.ToOrganizationId, cancellationToken),
        Proto.ReferralStatus.Completed =>
            FollowAsync(db, changed.ReferralId, changed.NeedId, changed.Version, changed.Outcome == Proto.ReferralOutcome.NeedMet ? ReferralProgress.Met : ReferralProgress.NotMet, changed.ToOrganizationId, cancellationToken),
        _ => db.AcceptsAsync($"need-progress:{changed.ReferralId}", changed.Version, ends: false, cancellationToken),
    };

    private async Task FollowAsync(CasesDbContext db, string referralId, string needId, long version, ReferralProgress progress, string organizationId, CancellationToken cancellationToken)
    {
        if (!await db.AcceptsAsync($"need-progress:{referralId}", version, ends: progress is ReferralProgress.Met or ReferralProgress.NotMet, cancellationToken)
            || await db.Needs.FirstOrDefaultAsync(n => n.Id == needId, cancellationToken) is not { } need)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (need.FollowReferral(progress, now) is { } previous)
        {
            db.AddEvent(need.StatusChangedEvent(previous), now);
            db.NeedStatusChanged(need, organizationId, now);
        }
    }
}
