using Microsoft.Extensions.Options;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;
using ReferralNet.Spanners.Api;
using ReferralNet.Spanners.Data;
using ReferralNet.Spanners.Events;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Spanners;

/// <summary>Registers and maps the spanners service: boundary spanners, matching, assignments, burden and succession.</summary>
public static class SpannersModule
{
    /// <summary>The service's name in configuration, health and workload tokens.</summary>
    public const string Name = "spanners";

    /// <summary>The address of the cases service this service asks about consent; unset in a process that runs cases itself.</summary>
    public const string CasesPeerKey = "ReferralNet:Peers:Cases";

    /// <summary>Adds the spanners service: its database, its endpoint, the consent check against cases, the proposals for needs at risk and the continuity read model.</summary>
    public static WebApplicationBuilder AddSpanners(this WebApplicationBuilder builder, bool runsCases)
    {
        builder.Services.AddServiceDatabase<SpannersDbContext, SqliteSpannersDbContext, SqlServerSpannersDbContext, PostgresSpannersDbContext>(builder.Configuration, Name);
        builder.Services.AddGrpcEndpoint<SpannersEndpoint, SpannersDbContext>(Name, Proto.SpannersService.Descriptor.FullName);
        builder.Services.Configure<SpannersOptions>(builder.Configuration.GetSection(SpannersOptions.Section));
        builder.Services.AddWorkloadTokens();
        builder.AddPeerClient<Proto.ConsentsService.ConsentsServiceClient>(CasesSupport.ClientName, "cases", CasesPeerKey, "which checks the consent of every assignment", servedHere: runsCases);
        builder.Services.AddSingleton<CasesSupport>();
        builder.Services.AddScoped<ContinuityHandlers>();
        builder.Services.AddSingleton(EventSubscription.For<SpannersDbContext, Proto.ServiceUserRegistered, ContinuityHandlers>());
        builder.Services.AddSingleton(EventSubscription.For<SpannersDbContext, Proto.ServiceUserMoved, ContinuityHandlers>());
        builder.Services.AddSingleton(EventSubscription.For<SpannersDbContext, Proto.SpannerAssigned, ContinuityHandlers>());
        builder.Services.AddSingleton(EventSubscription.For<SpannersDbContext, Proto.SpannerAssignmentEnded, ContinuityHandlers>());
        builder.Services.AddSingleton(EventSubscription.For<SpannersDbContext, Proto.SpannerSucceeded, ContinuityHandlers>());
        builder.Services.AddSingleton(EventSubscription.For<SpannersDbContext, Proto.ProfessionalInvolvementChanged, ContinuityHandlers>());
        builder.Services.AddScoped<ServiceUserMerges>();
        builder.Services.AddSingleton(EventSubscription.For<SpannersDbContext, Proto.ServiceUsersMerged, ServiceUserMerges>());
        builder.Services.AddScoped<PillarToPostProposals>();
        builder.Services.AddSingleton(EventSubscription.For<SpannersDbContext, Proto.PillarToPostDetected, PillarToPostProposals>());
        return builder;
    }

    /// <summary>Maps the spanners service's gRPC endpoint.</summary>
    public static WebApplication MapSpanners(this WebApplication app)
    {
        app.MapGrpcService<SpannersEndpoint>();
        return app;
    }

    /// <summary>Migrates the spanners database (when MigrateOnStart is set).</summary>
    public static async Task InitializeSpannersAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<IOptions<PersistenceOptions>>().Value.MigrateOnStart)
        {
            await services.MigrateAsync<SpannersDbContext>(cancellationToken);
        }
    }
}
