using FluentValidation;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases.Api;

/// <summary>The BSN rule; its message never echoes the number.</summary>
internal static class BsnRules
{
    public const string Message = "must be a BSN: 9 digits passing the eleven-test";

    public static IRuleBuilderOptions<T, string> Bsn<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(bsn => Domain.Bsn.Parse(bsn) is not null).WithMessage(Message);
}

internal sealed class ServiceUserValidator : RequestValidator<Proto.ServiceUser>
{
    public ServiceUserValidator()
    {
        RuleFor(s => s.GivenName).Name();
        RuleFor(s => s.FamilyName).Name();
        RuleFor(s => s.DateOfBirth).NotNull().WithMessage("is required").SetValidator(new CalendarDateValidator()!);
        RuleFor(s => s.Languages).NotEmpty().WithMessage("must name at least one language");
        this.Codes(s => s.Languages, Platform.Domain.Codes.IsLanguage, "nl");
    }
}

internal sealed class ConsentValidator : RequestValidator<Proto.Consent>
{
    public ConsentValidator()
    {
        RuleFor(c => c.GranteeCase).NotEqual(Proto.Consent.GranteeOneofCase.None).WithMessage("is required: an organization_id or an organization_kind")
            .OverridePropertyName("organization_id");
        RuleFor(c => c.OrganizationId).Id().When(c => c.GranteeCase == Proto.Consent.GranteeOneofCase.OrganizationId);
        RuleFor(c => c.OrganizationKind).Must(FieldRules.IsDefined).When(c => c.GranteeCase == Proto.Consent.GranteeOneofCase.OrganizationKind)
            .WithMessage("must be a defined organization kind");
        RuleFor(c => c.Purpose).Must(FieldRules.IsDefined).WithMessage("must be a defined consent purpose");
        RuleFor(c => c.LifeDomains).NotEmpty().WithMessage("must name at least one life domain");
        RuleForEach(c => c.LifeDomains).Must(FieldRules.IsDefined).WithMessage("must be a defined life domain");
        RuleFor(c => c.Method).Must(FieldRules.IsDefined).WithMessage("must be a defined consent method");
        RuleFor(c => c.EvidenceReference).MaximumLength(200).VisibleText();
        RuleFor(c => c.StartTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
        RuleFor(c => c.EndTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp")
            .Must((c, end) => end is null || c.StartTime is null || !ProtoValues.IsValid(c.StartTime) || end.ToDateTimeOffset() > c.StartTime.ToDateTimeOffset())
            .WithMessage("must be after start_time");
    }
}

internal sealed class RegisterServiceUserRequestValidator : RequestValidator<Proto.RegisterServiceUserRequest>
{
    public RegisterServiceUserRequestValidator()
    {
        RuleFor(r => r.ServiceUser).NotNull().WithMessage("is required").SetValidator(new ServiceUserValidator());
        RuleFor(r => r.ServiceUser.Neighbourhood).Must(Platform.Domain.Codes.IsSlug).When(r => r.ServiceUser is not null)
            .WithMessage("must be a lowercase neighbourhood code such as 'moerwijk'");
        RuleFor(r => r.Bsn).Bsn().When(r => r.Bsn.Length > 0);
        RuleFor(r => r.Consent).NotNull().WithMessage("is required").SetValidator(new ConsentValidator());
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class GetServiceUserRequestValidator : RequestValidator<Proto.GetServiceUserRequest>
{
    public GetServiceUserRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class FindServiceUserByBsnRequestValidator : RequestValidator<Proto.FindServiceUserByBsnRequest>
{
    public FindServiceUserByBsnRequestValidator() => RuleFor(r => r.Bsn).NotEmpty().WithMessage("is required").Bsn();
}

internal sealed class UpdateServiceUserRequestValidator : RequestValidator<Proto.UpdateServiceUserRequest>
{
    public UpdateServiceUserRequestValidator()
    {
        RuleFor(r => r.ServiceUser).NotNull().WithMessage("is required");
        RuleFor(r => r.ServiceUser.Id).Id().When(r => r.ServiceUser is not null);
        RuleFor(r => r.ServiceUser.Etag).NotEmpty().When(r => r.ServiceUser is not null).WithMessage("is required: send the etag you read");
    }
}

internal sealed class MoveServiceUserRequestValidator : RequestValidator<Proto.MoveServiceUserRequest>
{
    public MoveServiceUserRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).NotEmpty().WithMessage("is required: send the etag you read");
        RuleFor(r => r.Neighbourhood).Must(Platform.Domain.Codes.IsSlug).WithMessage("must be a lowercase neighbourhood code such as 'moerwijk'");
        RuleFor(r => r.MoveTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
    }
}

internal sealed class LinkHouseholdMemberRequestValidator : RequestValidator<Proto.LinkHouseholdMemberRequest>
{
    public LinkHouseholdMemberRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.RelatedServiceUserId).Id().NotEqual(r => r.ServiceUserId).WithMessage("must be another service user");
        RuleFor(r => r.Relation).Must(FieldRules.IsDefined).WithMessage("must be a defined household relation");
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class UnlinkHouseholdMemberRequestValidator : RequestValidator<Proto.UnlinkHouseholdMemberRequest>
{
    public UnlinkHouseholdMemberRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.RelatedServiceUserId).Id();
    }
}

internal sealed class ListPossibleDuplicatesRequestValidator : RequestValidator<Proto.ListPossibleDuplicatesRequest>
{
    public ListPossibleDuplicatesRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
    }
}

internal sealed class MergeServiceUsersRequestValidator : RequestValidator<Proto.MergeServiceUsersRequest>
{
    public MergeServiceUsersRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.Etag).NotEmpty().WithMessage("is required: send the etag you read");
        RuleFor(r => r.DuplicateServiceUserId).Id().NotEqual(r => r.ServiceUserId).WithMessage("must be another service user");
        RuleFor(r => r.ConfirmationMethod).Must(FieldRules.IsDefined).WithMessage("must say how the service user confirmed it");
    }
}

internal sealed class DismissPossibleDuplicateRequestValidator : RequestValidator<Proto.DismissPossibleDuplicateRequest>
{
    public DismissPossibleDuplicateRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.DuplicateServiceUserId).Id();
        RuleFor(r => r.Reason).Name(500);
    }
}

internal sealed class GrantConsentRequestValidator : RequestValidator<Proto.GrantConsentRequest>
{
    public GrantConsentRequestValidator()
    {
        RuleFor(r => r.Consent).NotNull().WithMessage("is required").SetValidator(new ConsentValidator());
        RuleFor(r => r.Consent.ServiceUserId).Id().When(r => r.Consent is not null);
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class GetConsentRequestValidator : RequestValidator<Proto.GetConsentRequest>
{
    public GetConsentRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class ListConsentsRequestValidator : RequestValidator<Proto.ListConsentsRequest>
{
    public ListConsentsRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
        RuleForEach(r => r.Statuses).Must(FieldRules.IsDefined).WithMessage("must be a defined consent status");
    }
}

internal sealed class RevokeConsentRequestValidator : RequestValidator<Proto.RevokeConsentRequest>
{
    public RevokeConsentRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).NotEmpty().WithMessage("is required: send the etag you read");
        RuleFor(r => r.Reason).Name(2000);
    }
}

internal sealed class CheckReferralConsentRequestValidator : RequestValidator<Proto.CheckReferralConsentRequest>
{
    public CheckReferralConsentRequestValidator()
    {
        RuleFor(r => r.NeedId).Id();
        RuleFor(r => r.FromOrganizationId).Id();
        RuleFor(r => r.FromMemberId).Id();
        RuleFor(r => r.ToOrganizationId).Id();
        RuleFor(r => r.ConsentId).OptionalId();
    }
}

internal sealed class CheckSupportConsentRequestValidator : RequestValidator<Proto.CheckSupportConsentRequest>
{
    public CheckSupportConsentRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.OrganizationId).Id();
        RuleFor(r => r.MemberId).Id();
        RuleFor(r => r.NeedId).OptionalId();
    }
}

internal sealed class CheckConsentRequestValidator : RequestValidator<Proto.CheckConsentRequest>
{
    public CheckConsentRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.OrganizationId).OptionalId();
        RuleFor(r => r.Purpose).Must(FieldRules.IsDefined).WithMessage("must be a defined consent purpose");
        RuleFor(r => r.LifeDomains).NotEmpty().WithMessage("must name at least one life domain");
        RuleForEach(r => r.LifeDomains).Must(FieldRules.IsDefined).WithMessage("must be a defined life domain");
        RuleFor(r => r.ConsentId).OptionalId();
    }
}

internal sealed class GoalValidator : RequestValidator<Proto.Goal>
{
    public GoalValidator()
    {
        RuleFor(g => g.Id).OptionalId();
        RuleFor(g => g.Description).Name(500);
        RuleFor(g => g.LifeDomain).IsInEnum().WithMessage("must be a defined life domain");
        RuleFor(g => g.Status).IsInEnum().WithMessage("must be a defined goal status");
        RuleFor(g => g.TargetDate).SetValidator(new CalendarDateValidator()!).When(g => g.TargetDate is not null);
    }
}

internal sealed class CaseValidator : RequestValidator<Proto.Case>
{
    public CaseValidator()
    {
        RuleFor(c => c.ServiceUserId).Id();
        RuleFor(c => c.CoordinatorMemberId).OptionalId();
        RuleFor(c => c.Plan).MaximumLength(4000).VisibleText();
        RuleFor(c => c.Goals).Must(goals => goals.Count <= FieldRules.MaxListItems).WithMessage($"must have at most {FieldRules.MaxListItems} goals");
        RuleForEach(c => c.Goals).SetValidator(new GoalValidator());
        RuleFor(c => c.HouseholdServiceUserIds).Must(ids => ids.Count <= FieldRules.MaxListItems).WithMessage($"must have at most {FieldRules.MaxListItems} items");
        RuleForEach(c => c.HouseholdServiceUserIds).Id();
    }
}

internal sealed class OpenCaseRequestValidator : RequestValidator<Proto.OpenCaseRequest>
{
    public OpenCaseRequestValidator()
    {
        RuleFor(r => r.Case).NotNull().WithMessage("is required").SetValidator(new CaseValidator());
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class GetCaseRequestValidator : RequestValidator<Proto.GetCaseRequest>
{
    public GetCaseRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class ListCasesRequestValidator : RequestValidator<Proto.ListCasesRequest>
{
    public ListCasesRequestValidator()
    {
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
        RuleFor(r => r.CoordinatorMemberId).OptionalId();
        RuleFor(r => r.ServiceUserId).OptionalId();
        RuleForEach(r => r.Statuses).Must(FieldRules.IsDefined).WithMessage("must be a defined case status");
    }
}

internal sealed class UpdateCaseRequestValidator : RequestValidator<Proto.UpdateCaseRequest>
{
    public UpdateCaseRequestValidator()
    {
        RuleFor(r => r.Case).NotNull().WithMessage("is required");
        RuleFor(r => r.Case.Id).Id().When(r => r.Case is not null);
        RuleFor(r => r.Case.Etag).NotEmpty().When(r => r.Case is not null).WithMessage("is required: send the etag you read");
        RuleFor(r => r.HandoverNote).MaximumLength(2000).VisibleText();
    }
}

internal sealed class CloseCaseRequestValidator : RequestValidator<Proto.CloseCaseRequest>
{
    public CloseCaseRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).NotEmpty().WithMessage("is required: send the etag you read");
        RuleFor(r => r.Reason).Name(2000);
    }
}

internal sealed class NeedValidator : RequestValidator<Proto.Need>
{
    public NeedValidator()
    {
        RuleFor(n => n.ServiceUserId).Id();
        RuleFor(n => n.LifeDomain).Must(FieldRules.IsDefined).WithMessage("must be a defined life domain");
        RuleFor(n => n.Severity).Must(FieldRules.IsDefined).WithMessage("must be a defined severity");
        RuleFor(n => n.Description).MaximumLength(2000).VisibleText();
        RuleForEach(n => n.Dimensions).Must(FieldRules.IsDefined).WithMessage("must be a defined positive-health dimension");
    }
}

internal sealed class RecordNeedRequestValidator : RequestValidator<Proto.RecordNeedRequest>
{
    public RecordNeedRequestValidator()
    {
        RuleFor(r => r.Need).NotNull().WithMessage("is required").SetValidator(new NeedValidator());
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class GetNeedRequestValidator : RequestValidator<Proto.GetNeedRequest>
{
    public GetNeedRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class ListNeedsRequestValidator : RequestValidator<Proto.ListNeedsRequest>
{
    public ListNeedsRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
        RuleForEach(r => r.Statuses).Must(FieldRules.IsDefined).WithMessage("must be a defined need status");
        RuleForEach(r => r.LifeDomains).Must(FieldRules.IsDefined).WithMessage("must be a defined life domain");
    }
}

internal sealed class UpdateNeedRequestValidator : RequestValidator<Proto.UpdateNeedRequest>
{
    public UpdateNeedRequestValidator()
    {
        RuleFor(r => r.Need).NotNull().WithMessage("is required");
        RuleFor(r => r.Need.Id).Id().When(r => r.Need is not null);
        RuleFor(r => r.Need.Etag).NotEmpty().When(r => r.Need is not null).WithMessage("is required: send the etag you read");
    }
}

internal sealed class ChangeNeedStatusRequestValidator : RequestValidator<Proto.ChangeNeedStatusRequest>
{
    public ChangeNeedStatusRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).NotEmpty().WithMessage("is required: send the etag you read");
        RuleFor(r => r.Status).Must(FieldRules.IsDefined).WithMessage("must be IDENTIFIED, IN_PROGRESS, MET or UNMET");
        RuleFor(r => r.Note).MaximumLength(2000).VisibleText();
    }
}

internal sealed class InvolvementValidator : RequestValidator<Proto.Involvement>
{
    public InvolvementValidator()
    {
        RuleFor(i => i.ServiceUserId).Id();
        RuleFor(i => i.MemberId).OptionalId();
        RuleFor(i => i.Role).Must(role => role is Proto.InvolvementRole.Provider or Proto.InvolvementRole.GeneralPractitioner or Proto.InvolvementRole.Supporter)
            .WithMessage("must be PROVIDER, GENERAL_PRACTITIONER or SUPPORTER: coordinators and constant contacts are kept by the service");
        RuleFor(i => i.Description).MaximumLength(500).VisibleText();
        RuleFor(i => i.NeedId).OptionalId();

        // Which provider is involved tells what for (an addiction clinic, a debt counsellor): tied to a need, the care
        // team shows it only to organizations whose consent covers that need's domain.
        RuleFor(i => i.NeedId).NotEmpty().When(i => i.Role == Proto.InvolvementRole.Provider)
            .WithMessage("is required for a PROVIDER: a provider delivers a service for a need, and is shown where the need's domain is");
        RuleFor(i => i.StartTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
    }
}

internal sealed class AddInvolvementRequestValidator : RequestValidator<Proto.AddInvolvementRequest>
{
    public AddInvolvementRequestValidator()
    {
        RuleFor(r => r.Involvement).NotNull().WithMessage("is required").SetValidator(new InvolvementValidator());
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class ListInvolvementsRequestValidator : RequestValidator<Proto.ListInvolvementsRequest>
{
    public ListInvolvementsRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).NotEmpty().When(r => r.MemberId.Length == 0).WithMessage("is required unless member_id is given")
            .OptionalId();
        RuleFor(r => r.MemberId).OptionalId();
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
    }
}

internal sealed class EndInvolvementRequestValidator : RequestValidator<Proto.EndInvolvementRequest>
{
    public EndInvolvementRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).NotEmpty().WithMessage("is required: send the etag you read");
        RuleFor(r => r.Reason).Must(reason => reason is Proto.InvolvementEndReason.Unspecified or Proto.InvolvementEndReason.Completed or Proto.InvolvementEndReason.ServiceUserMoved)
            .WithMessage("must be COMPLETED or SERVICE_USER_MOVED (the other reasons are set by the service)");
        RuleFor(r => r.EndTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
    }
}

internal sealed class ConfirmInvolvementRequestValidator : RequestValidator<Proto.ConfirmInvolvementRequest>
{
    public ConfirmInvolvementRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).NotEmpty().WithMessage("is required: send the etag you read");
    }
}

internal sealed class HandOverInvolvementRequestValidator : RequestValidator<Proto.HandOverInvolvementRequest>
{
    public HandOverInvolvementRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.Etag).NotEmpty().WithMessage("is required: send the etag you read");
        RuleFor(r => r.ToMemberId).Id();
        RuleFor(r => r.Note).MaximumLength(2000).VisibleText();
    }
}

internal sealed class HandOverMemberRequestValidator : RequestValidator<Proto.HandOverMemberRequest>
{
    public HandOverMemberRequestValidator()
    {
        RuleFor(r => r.FromMemberId).Id();
        RuleFor(r => r.ToMemberId).Id().NotEqual(r => r.FromMemberId).WithMessage("must be another member");
        RuleFor(r => r.Note).MaximumLength(2000).VisibleText();
    }
}

internal sealed class BreakTheGlassRequestValidator : RequestValidator<Proto.BreakTheGlassRequest>
{
    public BreakTheGlassRequestValidator()
    {
        RuleFor(r => r.SubjectCase).NotEqual(Proto.BreakTheGlassRequest.SubjectOneofCase.None).WithMessage("is required: a service_user_id or a bsn")
            .OverridePropertyName("service_user_id");
        RuleFor(r => r.ServiceUserId).Id().When(r => r.SubjectCase == Proto.BreakTheGlassRequest.SubjectOneofCase.ServiceUserId);
        RuleFor(r => r.Bsn).Bsn().When(r => r.SubjectCase == Proto.BreakTheGlassRequest.SubjectOneofCase.Bsn);
        RuleFor(r => r.Reason).NotEmpty().WithMessage("is required").VisibleText()
            .Must(reason => reason.Trim().Length is >= 20 and <= 1000).WithMessage("must be 20 to 1000 characters: privacy officers review it");
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class GetNetworkViewRequestValidator : RequestValidator<Proto.GetNetworkViewRequest>
{
    public GetNetworkViewRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.RecentEventLimit).InclusiveBetween(0, 100);
    }
}

internal sealed class ListAccessLogRequestValidator : RequestValidator<Proto.ListAccessLogRequest>
{
    public ListAccessLogRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).Id();
        RuleFor(r => r.StartTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
        RuleFor(r => r.EndTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
        RuleFor(r => r.OrganizationIds).Must(ids => ids.Count <= FieldRules.MaxListItems).WithMessage($"must have at most {FieldRules.MaxListItems} items");
        RuleForEach(r => r.OrganizationIds).Id();
    }
}

internal sealed class ListEmergencyAccessesRequestValidator : RequestValidator<Proto.ListEmergencyAccessesRequest>
{
    public ListEmergencyAccessesRequestValidator()
    {
        RuleFor(r => r.ServiceUserId).OptionalId();
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
    }
}
