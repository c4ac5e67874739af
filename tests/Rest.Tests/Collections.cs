using ReferralNet.Platform.Persistence;

namespace ReferralNet.Rest.Tests;

/// <summary>
/// The REST tests' host: every service and the operator clock (so it serves the whole contract, as the checked-in OpenAPI
/// document describes it), a clock the tests move and its whole log.
/// </summary>
public abstract class RestFixture(DatabaseProvider provider) : NetworkFixture(provider)
{
    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration => [new(Platform.Hosting.OperatorClock.EnabledKey, "true")];
}

/// <summary>The host on SQLite.</summary>
public sealed class RestSqliteFixture() : RestFixture(DatabaseProvider.Sqlite);

/// <summary>The host on PostgreSQL.</summary>
public sealed class RestPostgresFixture() : RestFixture(DatabaseProvider.Postgres);

/// <summary>One host on SQLite for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<RestSqliteFixture>
{
    public const string Name = "rest sqlite host";
}

/// <summary>One host on PostgreSQL for every test class of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<RestPostgresFixture>
{
    public const string Name = "rest postgres host";
}
