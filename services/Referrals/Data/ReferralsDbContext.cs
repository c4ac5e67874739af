using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals.Domain;

namespace ReferralNet.Referrals.Data;

/// <summary>The referrals service's own database: referrals with their history, chains, the services it refers to, and the platform tables.</summary>
public abstract class ReferralsDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    /// <summary>Referrals.</summary>
    public DbSet<Referral> Referrals => Set<Referral>();

    /// <inheritdoc />
    protected override string? AccessLogSource => "referrals";

    /// <summary>Chains of referrals per need, with their pillar-to-post state.</summary>
    public DbSet<Chain> Chains => Set<Chain>();

    /// <summary>The inboxes' change feed, which streams resume from.</summary>
    public DbSet<InboxChange> InboxChanges => Set<InboxChange>();

    /// <summary>The directory's services as their events describe them.</summary>
    public DbSet<KnownService> Services => Set<KnownService>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ReferralsDbContext).Assembly);
    }
}

/// <summary>The referrals service on SQLite; carries the SQLite migrations.</summary>
public sealed class SqliteReferralsDbContext(DbContextOptions<SqliteReferralsDbContext> options) : ReferralsDbContext(options);

/// <summary>The referrals service on SQL Server; carries the SQL Server migrations.</summary>
public sealed class SqlServerReferralsDbContext(DbContextOptions<SqlServerReferralsDbContext> options) : ReferralsDbContext(options);

/// <summary>The referrals service on PostgreSQL; carries the PostgreSQL migrations.</summary>
public sealed class PostgresReferralsDbContext(DbContextOptions<PostgresReferralsDbContext> options) : ReferralsDbContext(options);

internal sealed class SqliteDesignTimeFactory() : DesignTimeContextFactory<SqliteReferralsDbContext>(DatabaseProvider.Sqlite);

internal sealed class SqlServerDesignTimeFactory() : DesignTimeContextFactory<SqlServerReferralsDbContext>(DatabaseProvider.SqlServer);

internal sealed class PostgresDesignTimeFactory() : DesignTimeContextFactory<PostgresReferralsDbContext>(DatabaseProvider.Postgres);
