using Microsoft.EntityFrameworkCore;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Domain;

namespace ReferralNet.Referrals.Events;

/// <summary>Judges a chain for pillar-to-post after its referrals changed, in the same transaction as the change.</summary>
public static class ChainAssessment
{
    /// <summary>
    /// Judges chain <paramref name="chainId"/> with every referral of it as this transaction sees them (stored and
    /// pending), and adds PillarToPostDetected or PillarToPostCleared to the outbox when its risk changed; a chain that
    /// stays at risk is announced to its coordinator's inbox again.
    /// </summary>
    public static async Task AssessChainAsync(this ReferralsDbContext db, string chainId, PillarToPostThresholds thresholds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var chain = db.Chains.Local.FirstOrDefault(c => c.Id == chainId) ?? await db.Chains.SingleAsync(c => c.Id == chainId, cancellationToken);

        // A chain this transaction opens has no stored referrals yet.
        var stored = db.Entry(chain).State == EntityState.Added ? [] : await db.ReferralsOfChainAsync(chainId, cancellationToken);
        var referrals = stored.Concat(db.Referrals.Local.Where(r => r.ChainId == chainId)).DistinctBy(r => r.Id).ToList();
        if (chain.Assess(referrals, thresholds, now) != RiskChange.None)
        {
            db.RiskChanged(chain, referrals, now);
        }
        else if (chain.AtRisk)
        {
            // The coordinator's stream follows a chain at risk step by step, not only when its reasons change.
            db.ChainAtRiskChanged(chain, now);
        }
    }
}
