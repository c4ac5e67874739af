using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Persistence;

/// <summary>Registers a service's own database on the configured provider, with outbox, audit trail and health check.</summary>
public static class DatabaseExtensions
{
    private static readonly ActivitySource Source = new("ReferralNet.Persistence");

    /// <summary>
    /// Registers <typeparamref name="TContext"/> as the provider-specific subclass that carries that provider's migrations.
    /// The connection string is <c>ConnectionStrings:{service}</c>; for SQLite it defaults to <c>{DataDirectory}/{service}.db</c>.
    /// <paramref name="interceptors"/> are the service's own (e.g. a <see cref="DataVersionStamp"/>); contexts are pooled,
    /// so interceptors are shared by every call and must keep no per-call state.
    /// </summary>
    public static IServiceCollection AddServiceDatabase<TContext, TSqlite, TSqlServer, TPostgres>(
        this IServiceCollection services, IConfiguration configuration, string service, params IInterceptor[] interceptors)
        where TContext : ServiceDbContext
        where TSqlite : TContext
        where TSqlServer : TContext
        where TPostgres : TContext
    {
        var options = configuration.GetSection(PersistenceOptions.Section).Get<PersistenceOptions>() ?? new PersistenceOptions();
        if (!SqlitePragmas.SyncLevels.Contains(options.SqliteSynchronous))
        {
            throw new InvalidOperationException(
                $"{PersistenceOptions.Section}:SqliteSynchronous must be one of {string.Join(", ", SqlitePragmas.SyncLevels)}; it is '{options.SqliteSynchronous}'.");
        }

        var connectionString = configuration.GetConnectionString(service);

        var sqliteConnection = connectionString ?? $"Data Source={Path.Combine(options.DataDirectory, service + ".db")}";

        // Checked at start-up: a server database without a connection string must stop the process, not its first call.
        var serverConnection = options.Provider == DatabaseProvider.Sqlite ? null : Require(connectionString, service);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // Once per process, not per context: the file holds personal data and is created owner-only before SQLite opens it.
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(sqliteConnection).DataSource;
            if (file is not (":memory:" or ""))
            {
                DataFolder.EnsurePrivateFile(file);
            }
        }

        // Pooled: options, interceptors and EF's internal services are built once, and a call leases a ready context
        // instead of constructing one (that construction was more than half of the CPU of a simple read).
        void Configure(IServiceProvider provider, DbContextOptionsBuilder builder)
        {
            builder.AddInterceptors(new OutboxSignalInterceptor(provider.GetRequiredService<OutboxSignals>()));
            builder.AddInterceptors(interceptors);

            // A failed save or transaction is either handled (a lost unique-key race), a cancelled call, or surfaces as an
            // exception that the error mapping logs once; EF's own error-level copies would report handled races as errors.
            builder.ConfigureWarnings(warnings => warnings.Log(
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (RelationalEventId.CommandError, LogLevel.Debug),
                (RelationalEventId.TransactionError, LogLevel.Debug)));
            switch (options.Provider)
            {
                case DatabaseProvider.Sqlite:
                    builder.UseSqlite(sqliteConnection)
                        .AddInterceptors(new SqlitePragmas(options.SqliteSynchronous), new SqliteStatementCache());
                    KeptOpenSqliteConnection.Use(builder);
                    break;
                case DatabaseProvider.SqlServer:
                    builder.UseSqlServer(serverConnection);
                    break;
                case DatabaseProvider.Postgres:
                    builder.UseNpgsql(serverConnection);
                    break;
            }
        }

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContextPool<TContext, TSqlite>(Configure);
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<TContext, TSqlServer>(Configure);
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContextPool<TContext, TPostgres>(Configure);
                break;
        }

        // The checkpointer is registered before the trail's writer, so at shutdown it stops after the writer has flushed.
        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<AuditCheckpointer<TContext>>(provider, service));
        services.AddSingleton<IAuditVerifier>(provider => ActivatorUtilities.CreateInstance<AuditVerifier<TContext>>(provider, service));
        services.AddSingleton<AuditTrail<TContext>>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditTrail<TContext>>());
        services.AddOutbox<TContext>(service);
        services.AddHostedService<Retention<TContext>>();
        services.AddHealthChecks().AddDbContextCheck<TContext>($"{service}-database", tags: [service, "ready"]);
        return services;
    }

    /// <summary>Applies pending migrations of <typeparamref name="TContext"/> in a trace span (when MigrateOnStart is set).</summary>
    public static async Task MigrateAsync<TContext>(this IServiceProvider services, CancellationToken cancellationToken = default)
        where TContext : ServiceDbContext
    {
        using var activity = Source.StartActivity($"Migrate {typeof(TContext).Name}");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.MigrateAsync(cancellationToken);
    }

    private static string Require(string? connectionString, string service) =>
        connectionString ?? throw new InvalidOperationException($"ConnectionStrings:{service} is required for server databases.");
}

/// <summary>
/// Lets dotnet-ef build a provider-specific context without a running host, so each provider's migrations are
/// generated into its own folder. The connection strings are never opened.
/// </summary>
public abstract class DesignTimeContextFactory<TContext>(DatabaseProvider provider) : IDesignTimeDbContextFactory<TContext>
    where TContext : ServiceDbContext
{
    /// <inheritdoc />
    public TContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        _ = provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite("Data Source=design-time.db"),
            DatabaseProvider.SqlServer => builder.UseSqlServer("Server=design-time;Database=design-time"),
            _ => builder.UseNpgsql("Host=design-time;Database=design-time"),
        };
        return (TContext)Activator.CreateInstance(typeof(TContext), builder.Options)!;
    }
}
