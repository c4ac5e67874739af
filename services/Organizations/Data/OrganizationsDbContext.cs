using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Organizations.Data;

/// <summary>The directory's own database: organizations, services, members, and the platform tables.</summary>
public abstract class OrganizationsDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    /// <summary>Organizations.</summary>
    public DbSet<Organization> Organizations => Set<Organization>();

    /// <summary>Services.</summary>
    public DbSet<Service> Services => Set<Service>();

    /// <summary>Members.</summary>
    public DbSet<Member> Members => Set<Member>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OrganizationsDbContext).Assembly);
    }
}

/// <summary>The directory on SQLite; carries the SQLite migrations.</summary>
public sealed class SqliteOrganizationsDbContext(DbContextOptions<SqliteOrganizationsDbContext> options) : OrganizationsDbContext(options);

/// <summary>The directory on SQL Server; carries the SQL Server migrations.</summary>
public sealed class SqlServerOrganizationsDbContext(DbContextOptions<SqlServerOrganizationsDbContext> options) : OrganizationsDbContext(options);

/// <summary>The directory on PostgreSQL; carries the PostgreSQL migrations.</summary>
public sealed class PostgresOrganizationsDbContext(DbContextOptions<PostgresOrganizationsDbContext> options) : OrganizationsDbContext(options);

internal sealed class SqliteDesignTimeFactory() : DesignTimeContextFactory<SqliteOrganizationsDbContext>(DatabaseProvider.Sqlite);

internal sealed class SqlServerDesignTimeFactory() : DesignTimeContextFactory<SqlServerOrganizationsDbContext>(DatabaseProvider.SqlServer);

internal sealed class PostgresDesignTimeFactory() : DesignTimeContextFactory<PostgresOrganizationsDbContext>(DatabaseProvider.Postgres);
