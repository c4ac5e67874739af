using FluentValidation;
using Google.Protobuf.WellKnownTypes;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals.Api;

/// <summary>Rules the referral validators share.</summary>
internal static class ReferralRules
{
    public const int MaxNote = 2000;

    public static IRuleBuilderOptions<T, string> OptionalNote<T>(this IRuleBuilder<T, string> rule) => rule.MaximumLength(MaxNote).VisibleText();

    public static IRuleBuilderOptions<T, string> RequiredNote<T>(this IRuleBuilder<T, string> rule) => rule.Name(MaxNote);

    public static IRuleBuilderOptions<T, string> Etag<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("is required: the referral's current etag").MaximumLength(20);

    public static IRuleBuilderOptions<T, string> RequestId<T>(this IRuleBuilder<T, string> rule) => rule.MaximumLength(128);

    public static IRuleBuilderOptions<T, Timestamp?> ValidTime<T>(this IRuleBuilder<T, Timestamp?> rule) =>
        rule.Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
}

internal sealed class CreateReferralRequestValidator : RequestValidator<Proto.CreateReferralRequest>
{
    public CreateReferralRequestValidator()
    {
        RuleFor(r => r.Referral).NotNull().WithMessage("is required");
        When(r => r.Referral is not null, () =>
        {
            RuleFor(r => r.Referral.NeedId).Id();
            RuleFor(r => r.Referral.ConsentId).Id();
            RuleFor(r => r.Referral.ToServiceId).Id();
            RuleFor(r => r.Referral.Note).OptionalNote();
            RuleFor(r => r.Referral.Priority).Must(p => p == Proto.ReferralPriority.Unspecified || FieldRules.IsDefined(p)).WithMessage("must be a defined priority");
            RuleFor(r => r.Referral.RequestedStartTime).ValidTime();
            RuleFor(r => r.Referral.RequestedEndTime).ValidTime()
                .Must((r, end) => end is null || r.Referral.RequestedStartTime is not { } start || !ProtoValues.IsValid(start) || !ProtoValues.IsValid(end) || end.ToDateTimeOffset() > start.ToDateTimeOffset())
                .WithMessage("must be after requested_start_time");
        });
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class GetReferralRequestValidator : RequestValidator<Proto.GetReferralRequest>
{
    public GetReferralRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class ListOutgoingReferralsRequestValidator : RequestValidator<Proto.ListOutgoingReferralsRequest>
{
    public ListOutgoingReferralsRequestValidator()
    {
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
        RuleFor(r => r.Statuses).Must(s => s.Count <= FieldRules.MaxListItems).WithMessage($"must have at most {FieldRules.MaxListItems} items");
        RuleForEach(r => r.Statuses).Must(FieldRules.IsDefined).WithMessage("must be a defined referral status");
        RuleFor(r => r.FromMemberId).OptionalId();
        RuleFor(r => r.ServiceUserId).OptionalId();
        RuleFor(r => r.NeedId).OptionalId();
        RuleFor(r => r.ChainId).OptionalId();
        RuleFor(r => r.ToOrganizationId).OptionalId();
        RuleFor(r => r.CreateStartTime).ValidTime();
        RuleFor(r => r.CreateEndTime).ValidTime();
    }
}

internal sealed class ListIncomingReferralsRequestValidator : RequestValidator<Proto.ListIncomingReferralsRequest>
{
    public ListIncomingReferralsRequestValidator()
    {
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
        RuleFor(r => r.Statuses).Must(s => s.Count <= FieldRules.MaxListItems).WithMessage($"must have at most {FieldRules.MaxListItems} items");
        RuleForEach(r => r.Statuses).Must(FieldRules.IsDefined).WithMessage("must be a defined referral status");
        RuleFor(r => r.ToServiceId).OptionalId();
        RuleFor(r => r.HandlerMemberId).OptionalId();
        RuleFor(r => r.ServiceUserId).OptionalId();
        RuleFor(r => r.NeedId).OptionalId();
        RuleFor(r => r.CreateStartTime).ValidTime();
        RuleFor(r => r.CreateEndTime).ValidTime();
    }
}

internal sealed class ReceiveReferralRequestValidator : RequestValidator<Proto.ReceiveReferralRequest>
{
    public ReceiveReferralRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class AcceptReferralRequestValidator : RequestValidator<Proto.AcceptReferralRequest>
{
    public AcceptReferralRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.HandlerMemberId).OptionalId();
        RuleFor(r => r.Note).OptionalNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class DeclineReferralRequestValidator : RequestValidator<Proto.DeclineReferralRequest>
{
    public DeclineReferralRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Reason).Must(FieldRules.IsDefined).WithMessage("is required: a defined decline reason");
        RuleFor(r => r.Note).OptionalNote();
        RuleFor(r => r.Note).NotEmpty().When(r => r.Reason == Proto.ReferralDeclineReason.Other).WithMessage("is required when the reason is OTHER");
        RuleFor(r => r.RedirectServiceId).OptionalId();
        RuleFor(r => r.RedirectNote).OptionalNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class HoldReferralRequestValidator : RequestValidator<Proto.HoldReferralRequest>
{
    public HoldReferralRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.ExpectedResumeTime).NotNull().WithMessage("is required: when a place is expected").ValidTime();
        RuleFor(r => r.Note).OptionalNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class RequestReferralInformationRequestValidator : RequestValidator<Proto.RequestReferralInformationRequest>
{
    public RequestReferralInformationRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Note).RequiredNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class ProvideReferralInformationRequestValidator : RequestValidator<Proto.ProvideReferralInformationRequest>
{
    public ProvideReferralInformationRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Note).RequiredNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class StartReferralRequestValidator : RequestValidator<Proto.StartReferralRequest>
{
    public StartReferralRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Note).OptionalNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class CompleteReferralRequestValidator : RequestValidator<Proto.CompleteReferralRequest>
{
    public CompleteReferralRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Outcome).Must(FieldRules.IsDefined).WithMessage("is required: a defined outcome");
        RuleFor(r => r.Note).OptionalNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class CancelReferralRequestValidator : RequestValidator<Proto.CancelReferralRequest>
{
    public CancelReferralRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Note).RequiredNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class FailReferralRequestValidator : RequestValidator<Proto.FailReferralRequest>
{
    public FailReferralRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Reason).Must(FieldRules.IsDefined).WithMessage("is required: a defined failure reason")
            .NotEqual(Proto.ReferralFailureReason.ConsentRevoked).WithMessage("CONSENT_REVOKED is set by the server only");
        RuleFor(r => r.Note).OptionalNote();
        RuleFor(r => r.Note).NotEmpty().When(r => r.Reason == Proto.ReferralFailureReason.Other).WithMessage("is required when the reason is OTHER");
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class MarkReferralEnteredInErrorRequestValidator : RequestValidator<Proto.MarkReferralEnteredInErrorRequest>
{
    public MarkReferralEnteredInErrorRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Note).RequiredNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class ListAtRiskNeedsRequestValidator : RequestValidator<Proto.ListAtRiskNeedsRequest>
{
    public ListAtRiskNeedsRequestValidator()
    {
        RuleFor(r => r.CoordinatorMemberId).OptionalId();
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
    }
}

internal sealed class WatchIncomingReferralsRequestValidator : RequestValidator<Proto.WatchIncomingReferralsRequest>
{
    public WatchIncomingReferralsRequestValidator()
    {
        RuleFor(r => r.ServiceIds).Must(s => s.Count <= FieldRules.MaxListItems).WithMessage($"must have at most {FieldRules.MaxListItems} items");
        RuleForEach(r => r.ServiceIds).Id();
        RuleFor(r => r.ResumeToken).MaximumLength(512);
    }
}
