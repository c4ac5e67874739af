using Microsoft.Extensions.Options;
using ReferralNet.Cases.Api;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Data.DemoData;
using ReferralNet.Cases.Domain;
using ReferralNet.Cases.Events;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases;

/// <summary>Registers and maps the cases service: service users, consents, cases and needs, the care team and the network view.</summary>
public static class CasesModule
{
    /// <summary>The service's name in configuration and health.</summary>
    public const string Name = "cases";

    /// <summary>Adds the cases service: its database, its endpoints, the BSN key ring and its event handlers.</summary>
    public static WebApplicationBuilder AddCases(this WebApplicationBuilder builder)
    {
        SecretKeys.EnsureConfigured(builder.Configuration, builder.Environment, [BsnKeys.KeyName]);
        builder.Services.AddServiceDatabase<CasesDbContext, SqliteCasesDbContext, SqlServerCasesDbContext, PostgresCasesDbContext>(builder.Configuration, Name, new ProfessionalChanges(), new NetworkViewStamps(), new DataVersionStamp(typeof(KnownOrganization), typeof(KnownMember)));
        builder.Services.AddGrpcEndpoint<ServiceUsersEndpoint, CasesDbContext>(Name, Proto.ServiceUsersService.Descriptor.FullName);
        builder.Services.AddGrpcEndpoint<ConsentsEndpoint, CasesDbContext>(Name, Proto.ConsentsService.Descriptor.FullName);
        builder.Services.AddGrpcEndpoint<CasesEndpoint, CasesDbContext>(Name, Proto.CasesService.Descriptor.FullName);
        builder.Services.AddGrpcEndpoint<CareTeamEndpoint, CasesDbContext>(Name, Proto.CareTeamService.Descriptor.FullName);
        builder.Services.AddGrpcEndpoint<NetworkViewEndpoint, CasesDbContext>(Name, Proto.NetworkViewService.Descriptor.FullName);
        builder.Services.Configure<CasesOptions>(builder.Configuration.GetSection(CasesOptions.Section));
        builder.Services.AddSingleton<BsnKeys>();
        builder.Services.AddSingleton<NetworkViewCache>();
        builder.Services.AddHostedService<ConsentExpirySweep>();
        builder.Services.AddScoped<OrganizationChangedHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.OrganizationChanged, OrganizationChangedHandler>());
        builder.Services.AddScoped<CoordinatorMembershipHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.MemberChanged, CoordinatorMembershipHandler>());
        builder.Services.AddScoped<PillarToPostHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.PillarToPostDetected, PillarToPostHandler>());
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.PillarToPostCleared, PillarToPostHandler>());
        builder.Services.AddScoped<ReferralInvolvementHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.ReferralStatusChanged, ReferralInvolvementHandler>());
        builder.Services.AddScoped<AccessLogForwarding>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.PersonalDataAccessed, AccessLogForwarding>());
        builder.Services.AddScoped<SpannerProposalHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.SpannersProposed, SpannerProposalHandler>());
        builder.Services.AddScoped<SpannerInvolvementHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.SpannerAssigned, SpannerInvolvementHandler>());
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.SpannerAssignmentEnded, SpannerInvolvementHandler>());
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.SpannerStopped, SpannerInvolvementHandler>());
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.SpannerSucceeded, SpannerInvolvementHandler>());
        builder.Services.AddScoped<MemberNamesHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.MemberChanged, MemberNamesHandler>());
        builder.Services.AddScoped<NeedProgressHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.ReferralRequested, NeedProgressHandler>());
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.ReferralStatusChanged, NeedProgressHandler>());
        builder.Services.AddScoped<ReferralViewHandler>();
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.ReferralRequested, ReferralViewHandler>());
        builder.Services.AddSingleton(EventSubscription.For<CasesDbContext, Proto.ReferralStatusChanged, ReferralViewHandler>());
        return builder;
    }

    /// <summary>Maps the cases service's gRPC endpoints.</summary>
    public static WebApplication MapCases(this WebApplication app)
    {
        app.MapGrpcService<ServiceUsersEndpoint>();
        app.MapGrpcService<ConsentsEndpoint>();
        app.MapGrpcService<CasesEndpoint>();
        app.MapGrpcService<CareTeamEndpoint>();
        app.MapGrpcService<NetworkViewEndpoint>();
        return app;
    }

    /// <summary>
    /// Seeds the demo service users (embedded shape with demo data: the process runs the directory their members come
    /// from). Runs after the directory is seeded.
    /// </summary>
    public static async Task SeedCasesDemoAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (!services.GetRequiredService<IOptions<ReferralNetOptions>>().Value.SeedDemoData || services.GetService<IMemberDirectory>() is not { } directory)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        await DemoCases.SeedAsync(
            scope.ServiceProvider.GetRequiredService<CasesDbContext>(), directory, services.GetRequiredService<BsnKeys>(),
            services.GetRequiredService<TimeProvider>().GetUtcNow(), services.GetRequiredService<IOptions<CasesOptions>>().Value.DemoPopulation, cancellationToken);
    }

    /// <summary>Migrates the cases database (when MigrateOnStart is set).</summary>
    public static async Task InitializeCasesAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<IOptions<PersistenceOptions>>().Value.MigrateOnStart)
        {
            await services.MigrateAsync<CasesDbContext>(cancellationToken);
        }
    }
}
