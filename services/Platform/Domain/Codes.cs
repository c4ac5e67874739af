using System.Text.RegularExpressions;

namespace ReferralNet.Platform.Domain;

/// <summary>The spelling rules of the short codes the network shares: neighbourhoods, languages, professions.</summary>
public static partial class Codes
{
    /// <summary>A neighbourhood or profession code: lowercase words joined by hyphens, e.g. "moerwijk", "social-worker".</summary>
    public static bool IsSlug(string? value) => value is { Length: > 0 and <= 64 } && SlugPattern().IsMatch(value);

    /// <summary>An ISO 639 language code, lowercase, two or three letters, e.g. "nl", "ar", "pap".</summary>
    public static bool IsLanguage(string? value) => value is not null && LanguagePattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguagePattern();
}
