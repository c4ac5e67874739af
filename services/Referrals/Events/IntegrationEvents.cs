using ReferralNet.Platform.Api;
using ReferralNet.Referrals.Api;
using ReferralNet.Referrals.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals.Events;

/// <summary>The events this service publishes: ids and facts, never the free-text notes.</summary>
internal static class IntegrationEvents
{
    public static Proto.ReferralRequested RequestedEvent(this Referral referral) => new()
    {
        ReferralId = referral.Id,
        ChainId = referral.ChainId,
        PreviousReferralId = referral.PreviousReferralId ?? "",
        ServiceUserId = referral.ServiceUserId,
        NeedId = referral.NeedId,
        LifeDomain = (Proto.LifeDomain)referral.LifeDomain,
        ConsentId = referral.ConsentId,
        FromOrganizationId = referral.FromOrganizationId,
        FromMemberId = referral.FromMemberId,
        ToServiceId = referral.ToServiceId,
        ToOrganizationId = referral.ToOrganizationId,
        AcknowledgementDueTime = referral.AcknowledgementDueAt.ToProtoTimestamp(),
        Version = referral.Version,
    };

    public static Proto.ReferralStatusChanged StatusChangedEvent(this Referral referral)
    {
        var step = referral.LastStep;
        return new Proto.ReferralStatusChanged
        {
            ReferralId = referral.Id,
            ChainId = referral.ChainId,
            ServiceUserId = referral.ServiceUserId,
            NeedId = referral.NeedId,
            LifeDomain = (Proto.LifeDomain)referral.LifeDomain,
            FromOrganizationId = referral.FromOrganizationId,
            ToOrganizationId = referral.ToOrganizationId,
            ToServiceId = referral.ToServiceId,
            PreviousStatus = (Proto.ReferralStatus)(step.From ?? 0),
            Status = (Proto.ReferralStatus)referral.Status,
            ActorMemberId = step.ActorMemberId,
            ActorOrganizationId = step.ActorOrganizationId,
            HandlerMemberId = referral.HandlerMemberId ?? "",
            DeclineReason = (Proto.ReferralDeclineReason)(referral.DeclineReason ?? 0),
            RedirectReferralId = referral.RedirectReferralId ?? "",
            FailureReason = (Proto.ReferralFailureReason)(referral.FailureReason ?? 0),
            Outcome = (Proto.ReferralOutcome)(referral.Outcome ?? 0),
            ChangeTime = step.At.ToProtoTimestamp(),
            Version = referral.Version,
        };
    }

    public static Google.Protobuf.IMessage RiskEvent(this Chain chain, IEnumerable<Referral> referrals, DateTimeOffset now) => chain.AtRisk
        ? new Proto.PillarToPostDetected
        {
            NeedId = chain.NeedId,
            ServiceUserId = chain.ServiceUserId,
            LifeDomain = (Proto.LifeDomain)chain.LifeDomain,
            ChainId = chain.Id,
            Reasons = { chain.Reasons.ToProto() },
            ReferralIds = { referrals.Where(r => r.ChainId == chain.Id).Select(r => r.Id).Order(StringComparer.Ordinal) },
            CoordinatorMemberId = chain.ToldMemberId,
            CoordinatorOrganizationId = chain.ToldOrganizationId,
            DetectTime = (chain.DetectedAt ?? now).ToProtoTimestamp(),
            Version = chain.RiskVersion,
        }
        : new Proto.PillarToPostCleared
        {
            NeedId = chain.NeedId,
            ServiceUserId = chain.ServiceUserId,
            ChainId = chain.Id,
            ClearTime = now.ToProtoTimestamp(),
            Version = chain.RiskVersion,
        };
}
