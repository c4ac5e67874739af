using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Cases.Data;

/// <summary>
/// The keys that hash BSNs (<c>ReferralNet:Keys:BsnIdentity</c> and its retired keys), which never live in the database.
/// A registration stores the hash under every key of the ring, so records stay comparable across a rotation; a lookup
/// matches any of them.
/// </summary>
public sealed class BsnKeys(SecretKeys keys)
{
    /// <summary>The name of the current key.</summary>
    public const string KeyName = "BsnIdentity";

    /// <summary>The hashes of <paramref name="bsn"/> to store for <paramref name="serviceUserId"/>: one per key of the ring.</summary>
    public IReadOnlyList<BsnHash> HashesFor(string serviceUserId, Bsn bsn) =>
        [.. Ring.Keys.Select(key => new BsnHash(serviceUserId, key.Id, bsn.HashWith(key.Secret)))];

    /// <summary>The hashes <paramref name="bsn"/> may be stored under.</summary>
    public IReadOnlyList<string> LookupHashes(Bsn bsn) => [.. Ring.Keys.Select(key => bsn.HashWith(key.Secret))];

    /// <summary>A stand-in for <paramref name="bsn"/> in a request's idempotency fingerprint: keyed, so the stored fingerprint reveals nothing.</summary>
    public string Fingerprint(Bsn bsn) => bsn.HashWith(Ring.Current);

    private KeyRing Ring => keys.Ring(KeyName);
}
