using Microsoft.Extensions.Options;
using ReferralNet.Organizations.Api;
using ReferralNet.Organizations.Data;
using ReferralNet.Organizations.Data.DemoData;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Organizations;

/// <summary>Registers and maps the directory service.</summary>
public static class OrganizationsModule
{
    /// <summary>The service's name in configuration and health.</summary>
    public const string Name = "organizations";

    /// <summary>Adds the directory: its database, its endpoint, its search index, and its members as the source of this process's membership checks.</summary>
    public static WebApplicationBuilder AddOrganizations(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<BootstrapOptions>(builder.Configuration.GetSection(BootstrapOptions.Section));
        builder.Services.AddServiceDatabase<OrganizationsDbContext, SqliteOrganizationsDbContext, SqlServerOrganizationsDbContext, PostgresOrganizationsDbContext>(
            builder.Configuration, Name, new DataVersionStamp(DirectoryIndex.BuiltFrom));
        builder.Services.AddGrpcEndpoint<OrganizationsEndpoint, OrganizationsDbContext>(Name, Contracts.V1.OrganizationsService.Descriptor.FullName);
        builder.Services.AddSingleton<DirectoryIndex>();

        // This process checks its callers against its own database; other processes ask CheckMembership.
        builder.Services.AddSingleton<MemberDirectory>();
        builder.Services.AddSingleton<IMembershipSource>(services => services.GetRequiredService<MemberDirectory>());
        builder.Services.AddSingleton<IMemberDirectory>(services => services.GetRequiredService<MemberDirectory>());
        return builder;
    }

    /// <summary>Maps the directory's gRPC endpoint.</summary>
    public static WebApplication MapOrganizations(this WebApplication app)
    {
        app.MapGrpcService<OrganizationsEndpoint>();
        return app;
    }

    /// <summary>Migrates the directory's database, makes sure the network office exists, and seeds demo data when asked.</summary>
    public static async Task InitializeOrganizationsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<IOptions<PersistenceOptions>>().Value.MigrateOnStart)
        {
            await services.MigrateAsync<OrganizationsDbContext>(cancellationToken);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrganizationsModule));
        await NetworkOffice.EnsureAsync(db, services.GetRequiredService<IOptions<BootstrapOptions>>().Value, now, logger, cancellationToken);
        if (services.GetRequiredService<IOptions<ReferralNetOptions>>().Value.SeedDemoData)
        {
            await DemoDirectory.SeedAsync(db, now, cancellationToken);
        }
    }
}
