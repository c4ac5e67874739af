using ReferralNet.Platform.Persistence;

namespace ReferralNet.Spanners.Tests;

/// <summary>The spanners tests' host (every service, the consent check over loopback gRPC), with a clock the tests move.</summary>
public abstract class SpannersFixture(DatabaseProvider provider) : NetworkFixture(provider)
{
    /// <summary>How long a spanner may go without a check-in here: hours, not the default six weeks, so a test moves the clock past it cheaply.</summary>
    public static readonly TimeSpan CheckInPeriod = TimeSpan.FromHours(2);

    /// <inheritdoc />
    /// <remarks>
    /// The continuity tests move the clock a year; the host's periodic jobs tick daily here, so that a fake year is a few
    /// hundred ticks rather than millions (each job runs on the same clock).
    /// </remarks>
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration =>
    [
        new("ReferralNet:Spanners:CheckInPeriod", CheckInPeriod.ToString()),
        new("ReferralNet:Referrals:DeadlineScanInterval", "1.00:00:00"),
        new("ReferralNet:Cases:ConsentExpirySweepInterval", "1.00:00:00"),
        new("ReferralNet:Audit:CheckpointInterval", "1.00:00:00"),
    ];
}

/// <summary>The host on SQLite.</summary>
public sealed class SpannersSqliteFixture() : SpannersFixture(DatabaseProvider.Sqlite);

/// <summary>The host on PostgreSQL.</summary>
public sealed class SpannersPostgresFixture() : SpannersFixture(DatabaseProvider.Postgres);

/// <summary>One host on SQLite for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SpannersSqliteFixture>
{
    public const string Name = "spanners sqlite host";
}

/// <summary>One host on PostgreSQL for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<SpannersPostgresFixture>
{
    public const string Name = "spanners postgres host";
}
