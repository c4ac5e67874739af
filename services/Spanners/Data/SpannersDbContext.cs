using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;
using ReferralNet.Spanners.Domain;

namespace ReferralNet.Spanners.Data;

/// <summary>The spanners service's own database: spanners, their assignments and check-ins, and the platform tables.</summary>
public abstract class SpannersDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    /// <summary>Boundary spanners.</summary>
    public DbSet<BoundarySpanner> Spanners => Set<BoundarySpanner>();

    /// <inheritdoc />
    protected override string? AccessLogSource => "spanners";

    /// <summary>Assignments of spanners to service users, proposed, active and ended.</summary>
    public DbSet<SpannerAssignment> Assignments => Set<SpannerAssignment>();

    /// <summary>Burden check-ins.</summary>
    public DbSet<BurdenCheckIn> CheckIns => Set<BurdenCheckIn>();

    /// <summary>The continuity read model: where service users live.</summary>
    public DbSet<Resident> Residents => Set<Resident>();

    /// <summary>The continuity read model: constant-contact spells.</summary>
    public DbSet<ContactSpell> ContactSpells => Set<ContactSpell>();

    /// <summary>The continuity read model: professionals who left care teams.</summary>
    public DbSet<ProfessionalDeparture> ProfessionalDepartures => Set<ProfessionalDeparture>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SpannersDbContext).Assembly);
    }
}

/// <summary>The spanners service on SQLite; carries the SQLite migrations.</summary>
public sealed class SqliteSpannersDbContext(DbContextOptions<SqliteSpannersDbContext> options) : SpannersDbContext(options);

/// <summary>The spanners service on SQL Server; carries the SQL Server migrations.</summary>
public sealed class SqlServerSpannersDbContext(DbContextOptions<SqlServerSpannersDbContext> options) : SpannersDbContext(options);

/// <summary>The spanners service on PostgreSQL; carries the PostgreSQL migrations.</summary>
public sealed class PostgresSpannersDbContext(DbContextOptions<PostgresSpannersDbContext> options) : SpannersDbContext(options);

internal sealed class SqliteDesignTimeFactory() : DesignTimeContextFactory<SqliteSpannersDbContext>(DatabaseProvider.Sqlite);

internal sealed class SqlServerDesignTimeFactory() : DesignTimeContextFactory<SqlServerSpannersDbContext>(DatabaseProvider.SqlServer);

internal sealed class PostgresDesignTimeFactory() : DesignTimeContextFactory<PostgresSpannersDbContext>(DatabaseProvider.Postgres);
