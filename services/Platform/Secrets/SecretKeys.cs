using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Secrets;

/// <summary>
/// Named secret keys that must never live in a database the key protects: <c>ReferralNet:Keys:{name}</c>, base64 of at
/// least 32 bytes, from configuration or a secret store mounted into it. Outside Production a missing key is created at
/// random in the data folder (owner-only), so the embedded shape needs no setup; Production refuses to start without it.
/// </summary>
public sealed class SecretKeys(IConfiguration configuration, IHostEnvironment environment, IOptions<PersistenceOptions> persistence)
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Keys";

    /// <summary>The key that signs page tokens.</summary>
    public const string PageTokens = "PageTokens";

    /// <summary>Every key a process needs; checked at start-up in Production.</summary>
    public static readonly string[] Required = [PageTokens];

    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <summary>The key named <paramref name="name"/>.</summary>
    public byte[] Get(string name) => _keys.GetOrAdd(name, Load);

    /// <summary>Throws at start-up when Production lacks a required key.</summary>
    public static void EnsureConfigured(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!environment.IsProduction())
        {
            return;
        }

        var missing = Required.Where(name => string.IsNullOrEmpty(configuration[$"{Section}:{name}"])).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Configure {string.Join(", ", missing.Select(m => $"{Section}:{m}"))} (base64, at least 32 bytes) in Production.");
        }
    }

    private byte[] Load(string name)
    {
        var configured = configuration[$"{Section}:{name}"];
        if (!string.IsNullOrEmpty(configured))
        {
            var key = Convert.FromBase64String(configured);
            return key.Length >= 32 ? key : throw new InvalidOperationException($"{Section}:{name} must be at least 32 bytes.");
        }

        if (environment.IsProduction())
        {
            throw new InvalidOperationException($"{Section}:{name} must be configured in Production.");
        }

        return DataFolder.LoadOrCreateKey(Path.Combine(persistence.Value.DataDirectory, "keys", name + ".key"));
    }
}
