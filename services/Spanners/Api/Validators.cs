using FluentValidation;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Spanners.Api;

/// <summary>Rules the spanner validators share.</summary>
internal static class SpannerRules
{
    public const int MaxNote = 2000;

    public static IRuleBuilderOptions<T, string> OptionalNote<T>(this IRuleBuilder<T, string> rule) => rule.MaximumLength(MaxNote).VisibleText();

    public static IRuleBuilderOptions<T, string> Etag<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("is required: send the etag you read").MaximumLength(20);

    public static IRuleBuilderOptions<T, string> RequestId<T>(this IRuleBuilder<T, string> rule) => rule.MaximumLength(128);

    public static IRuleBuilderOptions<T, int> PageSize<T>(this IRuleBuilder<T, int> rule) => rule.GreaterThanOrEqualTo(0);
}

/// <summary>A spanner as registered, or as an update leaves it.</summary>
internal sealed class SpannerValidator : RequestValidator<Proto.BoundarySpanner>
{
    public SpannerValidator()
    {
        RuleFor(s => s.DisplayName).Name();
        RuleFor(s => s.Kind).Must(FieldRules.IsDefined).WithMessage("must be a defined spanner kind");
        RuleFor(s => s.MemberId).NotEmpty().WithMessage("is required for a linking-pin professional").MaximumLength(FieldRules.MaxIdLength)
            .When(s => s.Kind == Proto.SpannerKind.LinkingPinProfessional);
        RuleFor(s => s.MemberId).Empty().WithMessage("is only for a linking-pin professional").When(s => s.Kind != Proto.SpannerKind.LinkingPinProfessional);
        RuleFor(s => s.Phone).Matches(@"^\+?[0-9 ()\-]{6,40}$").When(s => s.Phone.Length > 0).WithMessage("must be a phone number: digits, spaces and + - ( )");
        RuleFor(s => s.Languages).NotEmpty().WithMessage("must name at least one language");
        this.Codes(s => s.Languages, Codes.IsLanguage, "nl");
        RuleFor(s => s.Neighbourhoods).NotEmpty().WithMessage("must name at least one neighbourhood");
        this.Codes(s => s.Neighbourhoods, Codes.IsSlug, "moerwijk");
        RuleFor(s => s.LifeDomains).NotEmpty().WithMessage("must name at least one life domain")
            .Must(d => d.Count <= FieldRules.MaxListItems).WithMessage($"must have at most {FieldRules.MaxListItems} items");
        RuleForEach(s => s.LifeDomains).Must(FieldRules.IsDefined).WithMessage("must be a defined life domain");
        RuleFor(s => s.MaxServiceUsers).InclusiveBetween(1, 50);
        RuleFor(s => s.HoursPerWeek).InclusiveBetween(1, 60);
        RuleFor(s => s.BackupSpannerId).OptionalId();
        RuleFor(s => s.ConductCertificateDate).SetValidator(new CalendarDateValidator()!).When(s => s.ConductCertificateDate is not null);
    }
}

internal sealed class RegisterSpannerRequestValidator : RequestValidator<Proto.RegisterSpannerRequest>
{
    public RegisterSpannerRequestValidator()
    {
        RuleFor(r => r.Spanner).NotNull().WithMessage("is required").SetValidator(new SpannerValidator());
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class GetSpannerRequestValidator : RequestValidator<Proto.GetSpannerRequest>
{
    public GetSpannerRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class ListSpannersRequestValidator : RequestValidator<Proto.ListSpannersRequest>
{
    public ListSpannersRequestValidator()
    {
        RuleFor(r => r.PageSize).PageSize();
        RuleFor(r => r.OrganizationId).OptionalId();
        RuleFor(r => r.Status).Must(Enum.IsDefined).WithMessage("must be a defined spanner status");
        RuleFor(r => r.Language).Must(Codes.IsLanguage).When(r => r.Language.Length > 0).WithMessage("must be a lowercase code such as 'nl'");
        RuleFor(r => r.Neighbourhood).Must(Codes.IsSlug).When(r => r.Neighbourhood.Length > 0).WithMessage("must be a lowercase code such as 'moerwijk'");
        RuleFor(r => r.LifeDomain).Must(Enum.IsDefined).WithMessage("must be a defined life domain");
    }
}

internal sealed class UpdateSpannerRequestValidator : RequestValidator<Proto.UpdateSpannerRequest>
{
    public UpdateSpannerRequestValidator()
    {
        RuleFor(r => r.Spanner).NotNull().WithMessage("is required");
        RuleFor(r => r.Spanner.Id).Id().When(r => r.Spanner is not null);
        RuleFor(r => r.Spanner.Etag).Etag().When(r => r.Spanner is not null);
        RuleFor(r => r.UpdateMask).Must(m => m is null || m.Paths.Count <= FieldRules.MaxListItems).WithMessage($"must name at most {FieldRules.MaxListItems} paths");
    }
}

internal sealed class MatchSpannersRequestValidator : RequestValidator<Proto.MatchSpannersRequest>
{
    public MatchSpannersRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.LifeDomains).Must(d => d.Count <= FieldRules.MaxListItems).WithMessage($"must have at most {FieldRules.MaxListItems} items");
        RuleForEach(r => r.LifeDomains).Must(FieldRules.IsDefined).WithMessage("must be a defined life domain");
        RuleFor(r => r.PageSize).PageSize();
        RuleFor(r => r.NeedId).OptionalId();
    }
}

internal sealed class AssignSpannerRequestValidator : RequestValidator<Proto.AssignSpannerRequest>
{
    public AssignSpannerRequestValidator()
    {
        RuleFor(r => r.Assignment).NotNull().WithMessage("is required");
        When(r => r.Assignment is not null, () =>
        {
            RuleFor(r => r.Assignment.SpannerId).Id();
            RuleFor(r => r.Assignment.ServiceUserId).Id();
            RuleFor(r => r.Assignment.NeedId).OptionalId();
            RuleFor(r => r.Assignment.Note).OptionalNote();
        });
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class ConfirmSpannerAssignmentRequestValidator : RequestValidator<Proto.ConfirmSpannerAssignmentRequest>
{
    public ConfirmSpannerAssignmentRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Party).Must(FieldRules.IsDefined).WithMessage("must be SPANNER or SERVICE_USER");
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class EndSpannerAssignmentRequestValidator : RequestValidator<Proto.EndSpannerAssignmentRequest>
{
    public EndSpannerAssignmentRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Reason).Must(r => FieldRules.IsDefined(r) && r is not (Proto.AssignmentEndReason.SpannerStopped or Proto.AssignmentEndReason.SpannerPaused))
            .WithMessage("must be a defined end reason other than SPANNER_STOPPED and SPANNER_PAUSED (set by the server)");
        RuleFor(r => r.Note).OptionalNote();
        RuleFor(r => r.Note).NotEmpty().When(r => r.Reason == Proto.AssignmentEndReason.Other).WithMessage("is required when the reason is OTHER");
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class ListSpannerAssignmentsRequestValidator : RequestValidator<Proto.ListSpannerAssignmentsRequest>
{
    public ListSpannerAssignmentsRequestValidator()
    {
        RuleFor(r => r.SpannerId).OptionalId();
        RuleFor(r => r.ServiceUserId).OptionalId();
        RuleFor(r => r.SpannerId).NotEmpty().When(r => r.ServiceUserId.Length == 0).WithMessage("is required when service_user_id is empty");
        RuleFor(r => r.PageSize).PageSize();
    }
}

internal sealed class RecordBurdenCheckInRequestValidator : RequestValidator<Proto.RecordBurdenCheckInRequest>
{
    public RecordBurdenCheckInRequestValidator()
    {
        RuleFor(r => r.SpannerId).Id();
        RuleFor(r => r.Score).InclusiveBetween(0, 10);
        RuleFor(r => r.Note).OptionalNote();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class ListBurdenCheckInsRequestValidator : RequestValidator<Proto.ListBurdenCheckInsRequest>
{
    public ListBurdenCheckInsRequestValidator()
    {
        RuleFor(r => r.SpannerId).Id();
        RuleFor(r => r.PageSize).PageSize();
    }
}

internal sealed class ListSpannersAtRiskRequestValidator : RequestValidator<Proto.ListSpannersAtRiskRequest>
{
    public ListSpannersAtRiskRequestValidator()
    {
        RuleFor(r => r.Neighbourhood).Must(Codes.IsSlug).When(r => r.Neighbourhood.Length > 0).WithMessage("must be a lowercase code such as 'moerwijk'");
        RuleFor(r => r.PageSize).PageSize();
    }
}

internal sealed class StopSpannerRequestValidator : RequestValidator<Proto.StopSpannerRequest>
{
    public StopSpannerRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.Reason).Must(FieldRules.IsDefined).WithMessage("must be a defined stop reason");
        RuleFor(r => r.HandoverNote).OptionalNote();
        RuleFor(r => r.SuccessorSpannerId).OptionalId();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class PauseSpannerRequestValidator : RequestValidator<Proto.PauseSpannerRequest>
{
    public PauseSpannerRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.HandoverNote).OptionalNote();
        RuleFor(r => r.SuccessorSpannerId).OptionalId();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class ResumeSpannerRequestValidator : RequestValidator<Proto.ResumeSpannerRequest>
{
    public ResumeSpannerRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).Etag();
        RuleFor(r => r.RequestId).RequestId();
    }
}

internal sealed class GetContinuityReportRequestValidator : RequestValidator<Proto.GetContinuityReportRequest>
{
    public GetContinuityReportRequestValidator()
    {
        RuleFor(r => r.Neighbourhood).NotEmpty().WithMessage("is required").Must(Codes.IsSlug).WithMessage("must be a lowercase code such as 'moerwijk'");
        RuleFor(r => r.StartTime).NotNull().WithMessage("is required").Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
        RuleFor(r => r.EndTime).NotNull().WithMessage("is required").Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp")
            .Must((r, end) => r.StartTime is null || !ProtoValues.IsValid(r.StartTime)
                || end.ToDateTimeOffset() - r.StartTime.ToDateTimeOffset() is var length && length > TimeSpan.Zero && length <= TimeSpan.FromDays(3653))
            .WithMessage("must be after start_time and at most 10 years later");
    }
}
