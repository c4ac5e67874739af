using System.Linq.Expressions;
using FluentValidation;

namespace ReferralNet.Platform.Validation;

/// <summary>Validation rules every service's request validators share: ids, names people read, code lists, enums.</summary>
public static class FieldRules
{
    /// <summary>The longest id a request may carry.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The most items a list field of a request may carry.</summary>
    public const int MaxListItems = 50;

    /// <summary>A required id of at most <see cref="MaxIdLength"/> characters.</summary>
    public static IRuleBuilderOptions<T, string> Id<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("is required").MaximumLength(MaxIdLength);

    /// <summary>
    /// An id that may be left empty; when given, an id as <see cref="Id{T}"/> takes it: a blank one would pass on to a
    /// peer service that refuses it, or match nothing without saying why.
    /// </summary>
    public static IRuleBuilderOptions<T, string> OptionalId<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(id => id.Length == 0 || !string.IsNullOrWhiteSpace(id)).WithMessage("must not be blank: leave it empty or send an id")
            .MaximumLength(MaxIdLength);

    /// <summary>
    /// A name people read: required, nothing hidden in it, and short enough in the form it is stored in (NFC can grow a
    /// string, so the stored form is measured, not the input).
    /// </summary>
    public static IRuleBuilderOptions<T, string> Name<T>(this IRuleBuilder<T, string> rule, int maxLength = 200) =>
        rule.NotEmpty().WithMessage("is required").VisibleText()
            .Must(name => UnicodeText.Normalize(name).Length <= maxLength).WithMessage($"must be at most {maxLength} characters");

    /// <summary>A list of at most <see cref="MaxListItems"/> lowercase codes, each accepted by <paramref name="isValid"/>.</summary>
    public static void Codes<T>(this AbstractValidator<T> validator, Expression<Func<T, IEnumerable<string>>> list, Func<string?, bool> isValid, string example)
    {
        validator.RuleFor(list).Must(items => items.Count() <= MaxListItems).WithMessage($"must have at most {MaxListItems} items");
        validator.RuleForEach(list).Must(isValid).WithMessage($"must be a lowercase code such as '{example}'");
    }

    /// <summary>True for a defined value other than the zero (unspecified) one.</summary>
    public static bool IsDefined<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value) && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) != 0;
}
