using FluentValidation;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Organizations.Api;

/// <summary>The directory's own rules, beside the shared <see cref="FieldRules"/>.</summary>
internal static class Rules
{
    // An e-mail address, checked in the folded form it is stored and compared in.
    public static IRuleBuilderOptions<T, string> Email<T>(this IRuleBuilder<T, string> rule) =>
        rule.VisibleText()
            .Must(email => Domain.Member.IsEmailAddress(Domain.Member.NormalizeEmail(email))).WithMessage("must be an e-mail address such as 'name@organization.nl'")
            .Must(email => Domain.Member.NormalizeEmail(email).Length <= 254).WithMessage("must be at most 254 characters");

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

internal sealed class OrganizationValidator : RequestValidator<Proto.Organization>
{
    public OrganizationValidator()
    {
        RuleFor(o => o.Name).Name();
        RuleFor(o => o.Kind).Must(FieldRules.IsDefined).WithMessage("must be a defined organization kind");
        RuleFor(o => o.Description).MaximumLength(2000);
        RuleFor(o => o.Website).MaximumLength(300).Must(Rules.IsHttpUrl).When(o => o.Website.Length > 0).WithMessage("must be an absolute http(s) URL");
        RuleFor(o => o.Email).Email().When(o => o.Email.Length > 0);
        RuleFor(o => o.Phone).Matches(@"^\+?[0-9 ()\-]{6,40}$").When(o => o.Phone.Length > 0).WithMessage("must be a phone number: digits, spaces and + - ( )");
        this.Codes(o => o.Neighbourhoods, Platform.Domain.Codes.IsSlug, "moerwijk");
    }
}

internal sealed class FirstAdminValidator : RequestValidator<Proto.FirstAdmin>
{
    public FirstAdminValidator()
    {
        RuleFor(a => a.DisplayName).Name();
        RuleFor(a => a.Email).NotEmpty().WithMessage("is required").Email();
        this.Codes(a => a.Languages, Platform.Domain.Codes.IsLanguage, "nl");
    }
}

internal sealed class ServiceValidator : RequestValidator<Proto.Service>
{
    public ServiceValidator()
    {
        RuleFor(s => s.OrganizationId).Id();
        RuleFor(s => s.Name).Name();
        RuleFor(s => s.Description).MaximumLength(2000);
        RuleFor(s => s.LifeDomains).NotEmpty().WithMessage("must name at least one life domain");
        RuleForEach(s => s.LifeDomains).Must(FieldRules.IsDefined).WithMessage("must be a defined life domain");
        RuleFor(s => s.Eligibility).SetValidator(new EligibilityValidator()!).When(s => s.Eligibility is not null);
        RuleFor(s => s.Languages).NotEmpty().WithMessage("must name at least one language");
        this.Codes(s => s.Languages, Platform.Domain.Codes.IsLanguage, "nl");
        RuleFor(s => s.Capacity).NotNull().WithMessage("is required");
        RuleFor(s => s.Capacity.OpenPlaces).InclusiveBetween(0, 100_000).When(s => s.Capacity is not null);
        RuleFor(s => s.Capacity.TypicalWaitDays).InclusiveBetween(0, 3650).When(s => s.Capacity is not null);
        RuleFor(s => s.AcknowledgementDeadline).NotNull().WithMessage("is required")
            .Must(d => ProtoValues.IsValid(d) && d.Nanos == 0 && d.Seconds >= Domain.ServiceDetails.MinAcknowledgementDeadline.TotalSeconds
                && d.Seconds <= Domain.ServiceDetails.MaxAcknowledgementDeadline.TotalSeconds)
            .WithMessage("must be whole seconds between 1 hour and 90 days");
        RuleFor(s => s.ActiveStartTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
        RuleFor(s => s.ActiveEndTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp")
            .Must((s, until) => until is null || s.ActiveStartTime is null || !ProtoValues.IsValid(s.ActiveStartTime) || until.ToDateTimeOffset() > s.ActiveStartTime.ToDateTimeOffset())
            .WithMessage("must be after active_start_time");
    }
}

internal sealed class EligibilityValidator : RequestValidator<Proto.Eligibility>
{
    public EligibilityValidator()
    {
        RuleFor(e => e.MinAge).InclusiveBetween(0, Domain.Eligibility.MaxHumanAge).When(e => e.HasMinAge);
        RuleFor(e => e.MaxAge).InclusiveBetween(0, Domain.Eligibility.MaxHumanAge).When(e => e.HasMaxAge)
            .Must((e, max) => Domain.Eligibility.IsValidAgeRange(e.MinAge, max)).When(e => e.HasMinAge && e.HasMaxAge)
            .WithMessage("must not be below min_age");
        this.Codes(e => e.Neighbourhoods, Platform.Domain.Codes.IsSlug, "moerwijk");
    }
}

internal sealed class MemberValidator : RequestValidator<Proto.Member>
{
    public MemberValidator()
    {
        RuleFor(m => m.OrganizationId).Id();
        RuleFor(m => m.DisplayName).Name();
        RuleFor(m => m.Email).NotEmpty().WithMessage("is required").Email();
        RuleFor(m => m.Role).Must(FieldRules.IsDefined).WithMessage("must be a defined member role");
        RuleFor(m => m.Profession).NotEmpty().When(m => m.Role == Proto.MemberRole.Professional).WithMessage("is required for professionals");
        RuleFor(m => m.Profession).Must(Platform.Domain.Codes.IsSlug).When(m => m.Profession.Length > 0).WithMessage("must be a lowercase code such as 'social-worker'");
        this.Codes(m => m.Languages, Platform.Domain.Codes.IsLanguage, "nl");
        RuleFor(m => m.StartTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
        RuleFor(m => m.EndTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
    }
}

internal sealed class CreateOrganizationRequestValidator : RequestValidator<Proto.CreateOrganizationRequest>
{
    public CreateOrganizationRequestValidator()
    {
        RuleFor(r => r.Organization).NotNull().WithMessage("is required").SetValidator(new OrganizationValidator());
        RuleFor(r => r.Organization.Kind).NotEqual(Proto.OrganizationKind.NetworkOffice).When(r => r.Organization is not null)
            .WithMessage("the network office exists already; there is only one");
        RuleFor(r => r.FirstAdmin).SetValidator(new FirstAdminValidator()!).When(r => r.FirstAdmin is not null);
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class GetOrganizationRequestValidator : RequestValidator<Proto.GetOrganizationRequest>
{
    public GetOrganizationRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class ListOrganizationsRequestValidator : RequestValidator<Proto.ListOrganizationsRequest>
{
    public ListOrganizationsRequestValidator()
    {
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
        RuleFor(r => r.Kind).Must(Enum.IsDefined).WithMessage("must be a defined organization kind");
    }
}

internal sealed class UpdateOrganizationRequestValidator : RequestValidator<Proto.UpdateOrganizationRequest>
{
    public UpdateOrganizationRequestValidator()
    {
        RuleFor(r => r.Organization).NotNull().WithMessage("is required");
        RuleFor(r => r.Organization.Id).Id().When(r => r.Organization is not null);
        RuleFor(r => r.Organization.Etag).NotEmpty().When(r => r.Organization is not null).WithMessage("is required: send the etag you read");
    }
}

internal sealed class DeactivateOrganizationRequestValidator : RequestValidator<Proto.DeactivateOrganizationRequest>
{
    public DeactivateOrganizationRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class CreateServiceRequestValidator : RequestValidator<Proto.CreateServiceRequest>
{
    public CreateServiceRequestValidator()
    {
        RuleFor(r => r.Service).NotNull().WithMessage("is required").SetValidator(new ServiceValidator());
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class GetServiceRequestValidator : RequestValidator<Proto.GetServiceRequest>
{
    public GetServiceRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class ListServicesRequestValidator : RequestValidator<Proto.ListServicesRequest>
{
    public ListServicesRequestValidator()
    {
        RuleFor(r => r.OrganizationId).Id();
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
    }
}

internal sealed class UpdateServiceRequestValidator : RequestValidator<Proto.UpdateServiceRequest>
{
    public UpdateServiceRequestValidator()
    {
        RuleFor(r => r.Service).NotNull().WithMessage("is required");
        RuleFor(r => r.Service.Id).Id().When(r => r.Service is not null);
        RuleFor(r => r.Service.Etag).NotEmpty().When(r => r.Service is not null).WithMessage("is required: send the etag you read");
    }
}

internal sealed class DeactivateServiceRequestValidator : RequestValidator<Proto.DeactivateServiceRequest>
{
    public DeactivateServiceRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class CreateMemberRequestValidator : RequestValidator<Proto.CreateMemberRequest>
{
    public CreateMemberRequestValidator()
    {
        RuleFor(r => r.Member).NotNull().WithMessage("is required").SetValidator(new MemberValidator());
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class GetMemberRequestValidator : RequestValidator<Proto.GetMemberRequest>
{
    public GetMemberRequestValidator() => RuleFor(r => r.Id).Id();
}

internal sealed class ListMembersRequestValidator : RequestValidator<Proto.ListMembersRequest>
{
    public ListMembersRequestValidator()
    {
        RuleFor(r => r.OrganizationId).Id();
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
    }
}

internal sealed class UpdateMemberRequestValidator : RequestValidator<Proto.UpdateMemberRequest>
{
    public UpdateMemberRequestValidator()
    {
        RuleFor(r => r.Member).NotNull().WithMessage("is required");
        RuleFor(r => r.Member.Id).Id().When(r => r.Member is not null);
        RuleFor(r => r.Member.Etag).NotEmpty().When(r => r.Member is not null).WithMessage("is required: send the etag you read");
    }
}

internal sealed class DeactivateMemberRequestValidator : RequestValidator<Proto.DeactivateMemberRequest>
{
    public DeactivateMemberRequestValidator()
    {
        RuleFor(r => r.Id).Id();
        RuleFor(r => r.EndTime).Must(ProtoValues.IsValid).WithMessage("must be a valid timestamp");
    }
}

internal sealed class AppointOrgAdminRequestValidator : RequestValidator<Proto.AppointOrgAdminRequest>
{
    public AppointOrgAdminRequestValidator()
    {
        RuleFor(r => r.OrganizationId).Id();
        RuleFor(r => r.MemberId).NotEmpty().WithMessage("is required unless new_member names a new member").MaximumLength(FieldRules.MaxIdLength)
            .When(r => r.AppointeeCase != Proto.AppointOrgAdminRequest.AppointeeOneofCase.NewMember);
        RuleFor(r => r.NewMember).SetValidator(new FirstAdminValidator()).When(r => r.NewMember is not null);
        RuleFor(r => r.RequestId).MaximumLength(128);
    }
}

internal sealed class SearchServicesRequestValidator : RequestValidator<Proto.SearchServicesRequest>
{
    public SearchServicesRequestValidator()
    {
        RuleFor(r => r.LifeDomains).NotEmpty().WithMessage("must name at least one life domain");
        RuleForEach(r => r.LifeDomains).Must(FieldRules.IsDefined).WithMessage("must be a defined life domain");
        RuleFor(r => r.Neighbourhood).Must(Codes.IsSlug).When(r => r.Neighbourhood.Length > 0).WithMessage("must be a lowercase neighbourhood code such as 'moerwijk'");
        RuleFor(r => r.Language).Must(Codes.IsLanguage).When(r => r.Language.Length > 0).WithMessage("must be an ISO 639 code such as 'ar'");
        RuleFor(r => r.Language).NotEmpty().When(r => r.LanguageRequired).WithMessage("is required when language_required is set");
        RuleFor(r => r.ServiceUserAge).InclusiveBetween(0, Domain.Eligibility.MaxHumanAge).When(r => r.HasServiceUserAge);
        RuleFor(r => r.PageSize).GreaterThanOrEqualTo(0);
    }
}
