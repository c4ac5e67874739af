namespace ReferralNet.Platform.Persistence;

/// <summary>The database engines a service can run on.</summary>
public enum DatabaseProvider
{
    /// <summary>An SQLite file per service in the data folder (embedded shape).</summary>
    Sqlite,

    /// <summary>SQL Server, one database per service (production target).</summary>
    SqlServer,

    /// <summary>PostgreSQL, one database per service (production alternative).</summary>
    Postgres,
}

/// <summary>Configuration section <c>ReferralNet:Database</c>.</summary>
public sealed class PersistenceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Database";

    /// <summary>Which engine every service of this process uses.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Folder of the SQLite files and the development signing key.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Apply pending migrations when the process starts (embedded shape, tests, dev clusters).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// SQLite durability: NORMAL (the default) survives a killed process but not a power cut; FULL survives both
    /// at about a quarter of the write throughput.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "NORMAL";
}
