using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Cases.Tests;

/// <summary>Rotating the BSN key: records hashed before stay findable and comparable while the old key is retired, not gone.</summary>
public sealed class BsnKeyRotationTests
{
    private static readonly string Before = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string After = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly Bsn Person = Bsn.Parse("111222333")!;

    [Fact]
    public void A_record_hashed_before_a_rotation_is_found_and_compared_under_the_retired_key()
    {
        var stored = Keys(("ReferralNet:Keys:BsnIdentity", Before)).HashesFor("earlier", Person);
        var rotated = Keys(("ReferralNet:Keys:BsnIdentity", After), ("ReferralNet:Keys:Retired:BsnIdentity:0", Before));

        // A lookup after the rotation matches the earlier hash; a new registration stores a hash under both keys, so the
        // coordinator of the earlier record still sees it as a possible duplicate.
        Assert.Single(stored);
        Assert.Contains(stored[0].Hash, rotated.LookupHashes(Person));
        var later = rotated.HashesFor("later", Person);
        Assert.Equal(2, later.Count);
        Assert.Contains(later, h => h.Hash == stored[0].Hash && h.KeyId == stored[0].KeyId);

        // Another person's BSN matches nothing, and once the old key is dropped the earlier hash is out of reach: the key
        // is retired, never deleted, while records hashed only under it exist.
        Assert.DoesNotContain(stored[0].Hash, rotated.LookupHashes(Bsn.Parse("123456782")!));
        Assert.DoesNotContain(stored[0].Hash, Keys(("ReferralNet:Keys:BsnIdentity", After)).LookupHashes(Person));
    }

    private static BsnKeys Keys(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var environment = new HostingEnvironment { EnvironmentName = "Testing" };
        var persistence = Options.Create(new PersistenceOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "referralnet-keys-unused") });
        return new BsnKeys(new SecretKeys(configuration, environment, persistence));
    }
}
