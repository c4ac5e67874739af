using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// The symmetric keys tokens are checked with. The development key is the configured one or, failing that,
/// a random key kept in the data folder so that the server and the <c>dev-token</c> command agree.
/// </summary>
public sealed class SigningKeyStore(IOptions<AuthOptions> options, IOptions<PersistenceOptions> persistence)
{
    private readonly Lazy<SymmetricSecurityKey?> _configured = new(() =>
        string.IsNullOrEmpty(options.Value.SigningKey) ? null : new SymmetricSecurityKey(Convert.FromBase64String(options.Value.SigningKey)));

    private readonly Lazy<SymmetricSecurityKey> _dev = new(() => LoadOrCreateDevKey(options.Value, persistence.Value));

    /// <summary>The configured production key, if any.</summary>
    public SymmetricSecurityKey? ConfiguredKey => _configured.Value;

    /// <summary>The key development tokens are signed and checked with.</summary>
    public SymmetricSecurityKey DevKey => _dev.Value;

    private static SymmetricSecurityKey LoadOrCreateDevKey(AuthOptions auth, PersistenceOptions persistence)
    {
        if (!string.IsNullOrEmpty(auth.SigningKey))
        {
            return new SymmetricSecurityKey(Convert.FromBase64String(auth.SigningKey));
        }

        return new SymmetricSecurityKey(DataFolder.LoadOrCreateKey(Path.Combine(persistence.DataDirectory, "dev-signing.key")));
    }
}
