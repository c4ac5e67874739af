using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Messaging;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals.Events;

/// <summary>
/// Shows the boundary spanners proposed for a need at risk on its chain, so that the coordinator's inbox stream and
/// at-risk list carry them beside the referrals that bounced; a late proposal of an older risk state changes nothing.
/// </summary>
public sealed class SpannerProposalHandler(TimeProvider time) : IIntegrationEventHandler<ReferralsDbContext, Proto.SpannersProposed>
{
    /// <inheritdoc />
    public async Task HandleAsync(ReferralsDbContext db, Proto.SpannersProposed proposed, EventMetadata metadata, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var chain = await db.Chains.FirstOrDefaultAsync(c => c.Id == proposed.ChainId && c.NeedId == proposed.NeedId, cancellationToken);
        var spanners = proposed.Spanners.Select(s => new SpannerProposal(s.SpannerId, s.DisplayName, (int)s.Kind, s.OrganizationId, [.. s.SharedLanguages], s.RankingReason));
        if (chain is not null && chain.TakeProposal(proposed.Version, spanners, now))
        {
            db.ChainAtRiskChanged(chain, now);
        }
    }
}
