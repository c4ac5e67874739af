using System.Globalization;
using System.Text;
using FluentValidation;

namespace ReferralNet.Platform.Validation;

/// <summary>
/// Text that looks like what it is. Names and sign-in addresses are shown to people who trust them, so they are stored in
/// one Unicode form and refuse the characters that display as nothing or rearrange the text around them: a name with a
/// right-to-left override or a zero-width space can imitate another name that a colleague already trusts.
/// </summary>
public static class UnicodeText
{
    // Letters that render as blank space although Unicode files them as letters or marks (Hangul fillers, the combining
    // grapheme joiner, Khmer inherent vowels): the default-ignorable code points that are not format characters.
    private static readonly int[] InvisibleLetters = [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0];

    /// <summary>
    /// The form names are stored and compared in: Unicode NFC, without surrounding white space, so that a name whose
    /// accents were typed as combining marks and one typed with precomposed letters are the same name.
    /// </summary>
    public static string Normalize(string text) => text.Trim().Normalize(NormalizationForm.FormC);

    /// <summary>
    /// The form sign-in identifiers (e-mail addresses) are stored and compared in, so that two that render alike are one:
    /// compatibility forms become their plain letters (NFKC: fullwidth 'ｊａｎ' is 'jan', the Kelvin sign is 'K'), then case
    /// is folded (upper then lower, which also joins 'ſ' with 's' and final 'ς' with 'σ'), then NFKC again because case
    /// mapping can leave a composable sequence.
    /// </summary>
    public static string Fold(string text) =>
        text.Trim().Normalize(NormalizationForm.FormKC).ToUpperInvariant().ToLowerInvariant().Normalize(NormalizationForm.FormKC);

    /// <summary>
    /// The first character of <paramref name="text"/> that a reader cannot see for what it is, or null: control and
    /// format characters (bidi embeddings, overrides and isolates U+202A–202E and U+2066–2069, the marks U+200E/U+200F,
    /// zero-width characters U+200B–200D, U+2060, U+FEFF, the soft hyphen, tag characters), line and paragraph separators,
    /// surrogates, private-use and unassigned code points, and letters that render as blank space.
    /// </summary>
    public static Rune? FirstHidden(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsHidden(rune))
            {
                return rune;
            }
        }

        return null;
    }

    /// <summary>"U+202E": how a character is named in an error message, since the character itself would not show.</summary>
    public static string CodePoint(Rune rune) => string.Create(CultureInfo.InvariantCulture, $"U+{rune.Value:X4}");

    /// <summary>
    /// Fails start-up when the runtime cannot normalize (globalization-invariant mode, or no ICU library on Linux):
    /// there <see cref="string.Normalize(NormalizationForm)"/> returns non-ASCII text unchanged, and two spellings of
    /// one name or address would silently be stored as two.
    /// </summary>
    public static void EnsureNormalizationWorks()
    {
        if ("e\u0301".Normalize(NormalizationForm.FormC) != "\u00e9" || "\uFF4A".Normalize(NormalizationForm.FormKC) != "j")
        {
            throw new InvalidOperationException(
                "Unicode normalization is not available: run with InvariantGlobalization=false and the ICU library installed (libicu on Linux).");
        }
    }

    /// <summary>
    /// The value has no character that displays as nothing or rearranges the text (see <see cref="FirstHidden"/>); the
    /// violation names the first such character by its code point.
    /// </summary>
    public static IRuleBuilderOptions<T, string> VisibleText<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(value => value is null || FirstHidden(value) is null)
            .WithMessage((_, value) => $"must not contain invisible or direction-changing characters ({CodePoint(FirstHidden(value)!.Value)})");

    private static bool IsHidden(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        || InvisibleLetters.Contains(rune.Value);
}
