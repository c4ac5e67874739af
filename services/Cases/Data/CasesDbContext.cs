using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Data;

/// <summary>The cases service's own database: service users, consents, cases and needs, and the platform tables.</summary>
public abstract class CasesDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    /// <summary>Service users.</summary>
    public DbSet<ServiceUser> ServiceUsers => Set<ServiceUser>();

    /// <summary>Keyed hashes of the service users' BSNs.</summary>
    public DbSet<BsnHash> BsnHashes => Set<BsnHash>();

    /// <summary>Household links, both directions.</summary>
    public DbSet<HouseholdLink> HouseholdLinks => Set<HouseholdLink>();

    /// <summary>Consents.</summary>
    public DbSet<Consent> Consents => Set<Consent>();

    /// <summary>Cases.</summary>
    public DbSet<Case> Cases => Set<Case>();

    /// <summary>Needs.</summary>
    public DbSet<Need> Needs => Set<Need>();

    /// <summary>Involvements: the care teams, current and past.</summary>
    public DbSet<Involvement> Involvements => Set<Involvement>();

    /// <summary>How far the events of referrals and spanner assignments were applied.</summary>
    public DbSet<SourceState> SourceStates => Set<SourceState>();

    /// <summary>Emergency accesses.</summary>
    public DbSet<EmergencyAccess> EmergencyAccesses => Set<EmergencyAccess>();

    /// <summary>The events of each service user's network.</summary>
    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();

    /// <summary>The members of the network as their events describe them.</summary>
    public DbSet<KnownMember> KnownMembers => Set<KnownMember>();

    /// <summary>Referrals as their events describe them.</summary>
    public DbSet<ReferralView> Referrals => Set<ReferralView>();

    /// <summary>The organizations of the network as their events describe them.</summary>
    public DbSet<KnownOrganization> KnownOrganizations => Set<KnownOrganization>();

    /// <summary>Possible duplicates found to be other people.</summary>
    public DbSet<DuplicateDismissal> DuplicateDismissals => Set<DuplicateDismissal>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CasesDbContext).Assembly);
    }
}

/// <summary>The cases service on SQLite; carries the SQLite migrations.</summary>
public sealed class SqliteCasesDbContext(DbContextOptions<SqliteCasesDbContext> options) : CasesDbContext(options);

/// <summary>The cases service on SQL Server; carries the SQL Server migrations.</summary>
public sealed class SqlServerCasesDbContext(DbContextOptions<SqlServerCasesDbContext> options) : CasesDbContext(options);

/// <summary>The cases service on PostgreSQL; carries the PostgreSQL migrations.</summary>
public sealed class PostgresCasesDbContext(DbContextOptions<PostgresCasesDbContext> options) : CasesDbContext(options);

internal sealed class SqliteDesignTimeFactory() : DesignTimeContextFactory<SqliteCasesDbContext>(DatabaseProvider.Sqlite);

internal sealed class SqlServerDesignTimeFactory() : DesignTimeContextFactory<SqlServerCasesDbContext>(DatabaseProvider.SqlServer);

internal sealed class PostgresDesignTimeFactory() : DesignTimeContextFactory<PostgresCasesDbContext>(DatabaseProvider.Postgres);
