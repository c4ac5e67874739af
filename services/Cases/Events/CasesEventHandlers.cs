using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
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
        foreach (var coordinated in await db.Cases.Where(c => c.CoordinatorMemberId == member.Id && c.Status == CaseStatus.Open).ToListAsync(cancellationToken))
        {
            coordinated.CoordinatorMembershipChanged(endsAt, integrationEvent.Version, now);
        }
    }
}

/// <summary>Marks needs at risk of pillar-to-post, and clears them, as the referrals service finds.</summary>
public sealed class PillarToPostHandler(TimeProvider time)
    : IIntegrationEventHandler<CasesDbContext, Proto.PillarToPostDetected>, IIntegrationEventHandler<CasesDbContext, Proto.PillarToPostCleared>
{
    /// <inheritdoc />
    public Task HandleAsync(CasesDbContext db, Proto.PillarToPostDetected integrationEvent, EventMetadata metadata, CancellationToken cancellationToken) =>
        ApplyAsync(db, integrationEvent.NeedId, [.. integrationEvent.Reasons.Select(r => (PillarToPostReason)r)], integrationEvent.DetectTime?.ToInstant() ?? metadata.OccurredAt, cancellationToken);

    /// <inheritdoc />
    public Task HandleAsync(CasesDbContext db, Proto.PillarToPostCleared integrationEvent, EventMetadata metadata, CancellationToken cancellationToken) =>
        ApplyAsync(db, integrationEvent.NeedId, [], integrationEvent.ClearTime?.ToInstant() ?? metadata.OccurredAt, cancellationToken);

    private async Task ApplyAsync(CasesDbContext db, string needId, IReadOnlyCollection<PillarToPostReason> reasons, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (await db.Needs.SingleOrDefaultAsync(n => n.Id == needId, cancellationToken) is { } need)
        {
            need.RiskFound(reasons, at, time.GetUtcNow());
        }
    }
}
