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

    /// <summary>The key that seals the audit trail and signs its checkpoints.</summary>
    public const string AuditTrail = "AuditTrail";

    /// <summary>Every key a process needs; checked at start-up in Production.</summary>
    public static readonly string[] Required = [PageTokens, AuditTrail];

    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KeyRing> _rings = new(StringComparer.Ordinal);

    /// <summary>The key named <paramref name="name"/>.</summary>
    public byte[] Get(string name) => _keys.GetOrAdd(name, Load);

    /// <summary>
    /// The current key named <paramref name="name"/> and the retired ones (<c>ReferralNet:Keys:Retired:{name}:0..n</c>), each
    /// with its id, so that what an old key sealed still verifies after a rotation.
    /// </summary>
    public KeyRing Ring(string name) => _rings.GetOrAdd(name, LoadRing);

    private KeyRing LoadRing(string name)
    {
        var retired = configuration.GetSection($"{Section}:Retired:{name}").GetChildren()
            .Select(child => Decode(child.Path, child.Value ?? ""));
        return new KeyRing(Get(name), retired);
    }

    /// <summary>Throws at start-up when Production lacks a required key.</summary>
    public static void EnsureConfigured(IConfiguration configuration, IHostEnvironment environment) =>
        EnsureConfigured(configuration, environment, Required);

    /// <summary>Throws at start-up when Production lacks one of the keys <paramref name="names"/> (a service's own keys).</summary>
    public static void EnsureConfigured(IConfiguration configuration, IHostEnvironment environment, IEnumerable<string> names)
    {
        if (!environment.IsProduction())
        {
            return;
        }

        var missing = names.Where(name => string.IsNullOrEmpty(configuration[$"{Section}:{name}"])).ToList();
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
            return Decode($"{Section}:{name}", configured);
        }

        if (environment.IsProduction())
        {
            throw new InvalidOperationException($"{Section}:{name} must be configured in Production.");
        }

        return DataFolder.LoadOrCreateKey(Path.Combine(persistence.Value.DataDirectory, "keys", name + ".key"));
    }

    private static byte[] Decode(string path, string base64)
    {
        var key = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, key, out var length) && length >= 32
            ? key[..length]
            : throw new InvalidOperationException($"{path} must be base64 of at least 32 bytes.");
    }
}

/// <summary>A current key and the retired keys that may still have to verify what they sealed, found by key id.</summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, byte[]> _byId = new(StringComparer.Ordinal);

    /// <summary>A ring of <paramref name="current"/> and <paramref name="retired"/>.</summary>
    public KeyRing(byte[] current, IEnumerable<byte[]> retired)
    {
        Current = current;
        CurrentId = IdOf(current);
        _byId[CurrentId] = current;
        foreach (var key in retired)
        {
            _byId.TryAdd(IdOf(key), key);
        }
    }

    /// <summary>The key that seals from now on.</summary>
    public byte[] Current { get; }

    /// <summary>The id of <see cref="Current"/>.</summary>
    public string CurrentId { get; }

    /// <summary>The key with id <paramref name="keyId"/>, or null when the ring does not hold it.</summary>
    public byte[]? Find(string keyId) => _byId.GetValueOrDefault(keyId);

    /// <summary>Every key of the ring with its id, the current one first.</summary>
    public IEnumerable<(string Id, byte[] Secret)> Keys => _byId.Select(pair => (pair.Key, pair.Value));

    // A key's id is a short digest of the key: it names the key in stored records without revealing anything usable.
    private static string IdOf(byte[] key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(key))[..12];
}
