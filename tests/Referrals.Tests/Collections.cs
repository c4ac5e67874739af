using ReferralNet.Platform.Persistence;

namespace ReferralNet.Referrals.Tests;

/// <summary>The referrals tests' host (every service, the consent check over loopback gRPC), with a clock the tests move.</summary>
public abstract class ReferralsFixture(DatabaseProvider provider) : NetworkFixture(provider)
{
    /// <summary>How long the inbox history is kept here: hours, not the default week, so a test moves the clock past it cheaply.</summary>
    public static readonly TimeSpan InboxRetention = TimeSpan.FromHours(2);

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration =>
        [new("ReferralNet:Referrals:InboxRetention", InboxRetention.ToString()), new(Platform.Hosting.OperatorClock.EnabledKey, "true")];
}

/// <summary>The host on SQLite.</summary>
public sealed class ReferralsSqliteFixture() : ReferralsFixture(DatabaseProvider.Sqlite);

/// <summary>The host on PostgreSQL.</summary>
public sealed class ReferralsPostgresFixture() : ReferralsFixture(DatabaseProvider.Postgres);

/// <summary>
/// A host whose referrals service asks a cases service that does not answer (a closed loopback port): every consent
/// check fails, as when the cases Deployment is down.
/// </summary>
public sealed class UnreachableCasesFixture() : ReferralsFixture(DatabaseProvider.Sqlite)
{
    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration => [.. base.Configuration, new(ReferralsModule.CasesPeerKey, "http://127.0.0.1:9")];
}

/// <summary>One host on SQLite for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<ReferralsSqliteFixture>
{
    public const string Name = "referrals sqlite host";
}

/// <summary>One host on PostgreSQL for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<ReferralsPostgresFixture>
{
    public const string Name = "referrals postgres host";
}
