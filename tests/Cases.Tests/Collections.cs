using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Tests;

/// <summary>The cases tests' host: a clock the tests move, started at the real time, and its whole log.</summary>
public abstract class CasesFixture(DatabaseProvider provider) : NetworkFixture(provider);

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
