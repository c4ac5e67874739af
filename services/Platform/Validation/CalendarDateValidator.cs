using FluentValidation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Platform.Validation;

/// <summary>A calendar date of the contract: a real day between 1900 and 2200.</summary>
public sealed class CalendarDateValidator : RequestValidator<Proto.CalendarDate>
{
    /// <summary>The rules of every part of the date.</summary>
    public CalendarDateValidator()
    {
        RuleFor(d => d.Year).InclusiveBetween(1900, 2200);
        RuleFor(d => d.Month).InclusiveBetween(1, 12);
        RuleFor(d => d.Day).Must((d, day) => d.Year is >= 1900 and <= 2200 && d.Month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(d.Year, d.Month))
            .WithMessage("must be a day of the month");
    }
}
