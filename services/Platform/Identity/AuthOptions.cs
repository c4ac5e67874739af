namespace ReferralNet.Platform.Identity;

/// <summary>Configuration section <c>ReferralNet:Auth</c>: who issues the bearer tokens ReferralNet accepts.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Auth";

    /// <summary>The issuer name of development tokens.</summary>
    public const string DevIssuerName = "referralnet-dev";

    /// <summary>OpenID Connect authority whose signing keys are trusted (production); optional.</summary>
    public string? Authority { get; set; }

    /// <summary>Expected issuer of production tokens when signed with <see cref="SigningKey"/>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Expected audience of every token.</summary>
    public string Audience { get; set; } = "referralnet";

    /// <summary>Base64 symmetric signing key (at least 32 bytes) when not using an authority.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Accept development tokens (embedded shape only). Refused at start-up in the Production environment.
    /// Without a configured <see cref="SigningKey"/> the key is kept in the data folder.
    /// </summary>
    public bool DevIssuer { get; set; }

    /// <summary>Lifetime of development tokens.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
