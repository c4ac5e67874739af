using FluentValidation;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Organizations.Api;

internal sealed class CheckMembershipRequestValidator : RequestValidator<Proto.CheckMembershipRequest>
{
    public CheckMembershipRequestValidator() => RuleFor(r => r.MemberId).Id();
}
