using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Domain;

namespace ReferralNet.Referrals.Events;

/// <summary>Tells the network about a referral's change in the change's own transaction: its integration event and its receiver's inbox feed.</summary>
public static class ReferralAnnouncements
{
    /// <summary>Announces a new referral (ReferralRequested).</summary>
    public static void Requested(this ReferralsDbContext db, Referral referral, DateTimeOffset now)
    {
        db.AddEvent(referral.RequestedEvent(), now);
        db.InboxChanges.Add(new InboxChange(referral.ToOrganizationId, InboxChangeKind.Referral, referral.Id, now));
    }

    /// <summary>Announces a referral's latest step (ReferralStatusChanged).</summary>
    public static void StepTaken(this ReferralsDbContext db, Referral referral, DateTimeOffset now)
    {
        db.AddEvent(referral.StatusChangedEvent(), now);
        db.InboxChanges.Add(new InboxChange(referral.ToOrganizationId, InboxChangeKind.Referral, referral.Id, now));
    }

    /// <summary>Announces a change of a chain's risk (PillarToPostDetected or PillarToPostCleared) to the event bus and to the organization told about it.</summary>
    public static void RiskChanged(this ReferralsDbContext db, Chain chain, IEnumerable<Referral> referrals, DateTimeOffset now)
    {
        db.AddEvent(chain.RiskEvent(referrals, now), now);
        db.ChainAtRiskChanged(chain, now);
    }

    /// <summary>Tells the organization told about a chain's risk that the chain changed.</summary>
    public static void ChainAtRiskChanged(this ReferralsDbContext db, Chain chain, DateTimeOffset now) =>
        db.InboxChanges.Add(new InboxChange(chain.ToldOrganizationId, InboxChangeKind.AtRisk, chain.Id, now));
}
