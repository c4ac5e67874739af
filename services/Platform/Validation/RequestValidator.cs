using FluentValidation;

namespace ReferralNet.Platform.Validation;

/// <summary>
/// Base of every request validator: each rule stops at its first failure, so a later check of a rule never sees
/// the value an earlier check refused (a Must after NotNull never gets null).
/// </summary>
public abstract class RequestValidator<T> : AbstractValidator<T>
{
    /// <summary>Sets the stop-at-first-failure cascade.</summary>
    protected RequestValidator() => RuleLevelCascadeMode = CascadeMode.Stop;
}
