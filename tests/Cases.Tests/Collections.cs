using Microsoft.Extensions.Time.Testing;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Tests;

/// <summary>The host with a clock the tests move (consents expire, memberships end), started at the real time.</summary>
public abstract class CasesFixture(DatabaseProvider provider) : ReferralNetFixture(provider, seedDemoData: false)
{
    /// <summary>The host's clock.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Everything the host logged, at every level.</summary>
    public ServerLog Log { get; } = new();

    /// <inheritdoc />
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        Log.AddTo(services);
    }
}

/// <summary>The cases host on SQLite.</summary>
public sealed class CasesSqliteFixture() : CasesFixture(DatabaseProvider.Sqlite);

/// <summary>The cases host on PostgreSQL.</summary>
public sealed class CasesPostgresFixture() : CasesFixture(DatabaseProvider.Postgres);

/// <summary>One host on SQLite for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<CasesSqliteFixture>
{
    public const string Name = "cases sqlite host";
}

/// <summary>One host on PostgreSQL for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<CasesPostgresFixture>
{
    public const string Name = "cases postgres host";
}
