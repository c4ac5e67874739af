using ReferralNet.Platform.Persistence;

namespace ReferralNet.Organizations.Tests;

/// <summary>One host on SQLite for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteFixture>
{
    public const string Name = "sqlite host";
}

/// <summary>One host on PostgreSQL for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres host";
}

/// <summary>
/// A host of its own on SQLite for tests that damage the audit trail or spend the door-refusal budget (20 a minute),
/// which the shared host's other tests must not see.
/// </summary>
public sealed class IsolatedSqliteFixture() : ReferralNetFixture(DatabaseProvider.Sqlite, seedDemoData: false)
{
    /// <summary>The door-refusal budget of the isolated hosts.</summary>
    public const int RefusalsPerMinute = 20;

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration => [new("ReferralNet:Audit:RefusalsPerMinute", $"{RefusalsPerMinute}")];
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class IsolatedPostgresFixture() : ReferralNetFixture(DatabaseProvider.Postgres, seedDemoData: false)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration => [new("ReferralNet:Audit:RefusalsPerMinute", $"{IsolatedSqliteFixture.RefusalsPerMinute}")];
}

[CollectionDefinition(Name)]
public sealed class IsolatedSqliteCollection : ICollectionFixture<IsolatedSqliteFixture>
{
    public const string Name = "isolated sqlite host";
}

[CollectionDefinition(Name)]
public sealed class IsolatedPostgresCollection : ICollectionFixture<IsolatedPostgresFixture>
{
    public const string Name = "isolated postgres host";
}
