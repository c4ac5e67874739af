using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using ReferralNet.Referrals.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals.Api;

/// <summary>Domain ⇄ proto. Enum numbers are shared by design, so enums map by value (pillar-to-post reasons excepted: a set here, a list there).</summary>
internal static class ProtoMapping
{
    public static Proto.Referral ToProto(this Referral referral) => new()
    {
        Id = referral.Id,
        ChainId = referral.ChainId,
        PreviousReferralId = referral.PreviousReferralId ?? "",
        RedirectedByOrganizationId = referral.RedirectedByOrganizationId ?? "",
        ServiceUserId = referral.ServiceUserId,
        NeedId = referral.NeedId,
        LifeDomain = (Proto.LifeDomain)referral.LifeDomain,
        ConsentId = referral.ConsentId,
        FromOrganizationId = referral.FromOrganizationId,
        FromMemberId = referral.FromMemberId,
        ToServiceId = referral.ToServiceId,
        ToOrganizationId = referral.ToOrganizationId,
        Note = referral.Note,
        Status = (Proto.ReferralStatus)referral.Status,
        AcknowledgementDueTime = referral.AcknowledgementDueAt.ToProtoTimestamp(),
        HandlerMemberId = referral.HandlerMemberId ?? "",
        DeclineReason = (Proto.ReferralDeclineReason)(referral.DeclineReason ?? 0),
        RedirectReferralId = referral.RedirectReferralId ?? "",
        FailureReason = (Proto.ReferralFailureReason)(referral.FailureReason ?? 0),
        Outcome = (Proto.ReferralOutcome)(referral.Outcome ?? 0),
        History = { referral.History.OrderBy(s => s.Sequence).Select(ToProto) },
        CreateTime = referral.CreatedAt.ToProtoTimestamp(),
        UpdateTime = referral.UpdatedAt.ToProtoTimestamp(),
        Etag = referral.ETag,
        Priority = (Proto.ReferralPriority)referral.Priority,
        RequestedStartTime = referral.RequestedStart?.ToProtoTimestamp(),
        RequestedEndTime = referral.RequestedEnd?.ToProtoTimestamp(),
        HoldReason = (Proto.ReferralHoldReason)(referral.HoldReason ?? 0),
        ExpectedResumeTime = referral.ExpectedResumeAt?.ToProtoTimestamp(),
        CaseId = referral.CaseId ?? "",
    };

    public static Proto.ReferralTransition ToProto(this ReferralStep step) => new()
    {
        FromStatus = (Proto.ReferralStatus)(step.From ?? 0),
        ToStatus = (Proto.ReferralStatus)step.To,
        ActorMemberId = step.ActorMemberId,
        ActorOrganizationId = step.ActorOrganizationId,
        TransitionTime = step.At.ToProtoTimestamp(),
        Note = step.Note,
    };

    public static IEnumerable<Proto.PillarToPostReason> ToProto(this PillarToPostReasons reasons)
    {
        if (reasons.HasFlag(PillarToPostReasons.RepeatedRejection))
        {
            yield return Proto.PillarToPostReason.RepeatedRejection;
        }

        if (reasons.HasFlag(PillarToPostReasons.NoAcceptance))
        {
            yield return Proto.PillarToPostReason.NoAcceptance;
        }

        if (reasons.HasFlag(PillarToPostReasons.TooManyOrganizations))
        {
            yield return Proto.PillarToPostReason.TooManyOrganizations;
        }
    }

    public static Proto.AtRiskNeed ToAtRiskNeed(this Chain chain, IEnumerable<Referral> referrals) => new()
    {
        NeedId = chain.NeedId,
        ServiceUserId = chain.ServiceUserId,
        LifeDomain = (Proto.LifeDomain)chain.LifeDomain,
        ChainId = chain.Id,
        Reasons = { chain.Reasons.ToProto() },
        DetectTime = chain.DetectedAt?.ToProtoTimestamp(),
        CoordinatorMemberId = chain.ToldMemberId,
        Referrals = { referrals.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => r.ToProto()) },
#pragma warning disable CS0612 // the deprecated ids stay filled for older clients
        ProposedSpannerIds = { chain.ProposedSpanners.Select(p => p.SpannerId) },
#pragma warning restore CS0612
        ProposedSpanners =
        {
            chain.ProposedSpanners.Select(p => new Proto.ProposedSpanner
            {
                SpannerId = p.SpannerId,
                DisplayName = p.DisplayName,
                Kind = (Proto.SpannerKind)p.Kind,
                OrganizationId = p.OrganizationId,
                SharedLanguages = { p.SharedLanguages },
                RankingReason = p.RankingReason,
            }),
        },
    };

    public static ServiceTerms ToTerms(this Proto.Service service) => new(
        service.Name,
        [.. service.LifeDomains.Select(d => (LifeDomain)d)],
        service.Eligibility?.HasMinAge == true ? service.Eligibility.MinAge : null,
        service.Eligibility?.HasMaxAge == true ? service.Eligibility.MaxAge : null,
        [.. service.Eligibility?.Neighbourhoods ?? []],
        service.Capacity?.OpenPlaces ?? 0,
        service.Capacity?.TypicalWaitDays ?? 0,
        service.AcknowledgementDeadline?.ToTimeSpan() ?? TimeSpan.FromDays(5),
        service.ActiveStartTime?.ToInstant(),
        service.ActiveEndTime?.ToInstant(),
        service.Status == Proto.ServiceStatus.Ended);
}
