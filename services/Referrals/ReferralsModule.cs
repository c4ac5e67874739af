using Microsoft.Extensions.Options;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals.Api;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Events;
using ReferralNet.Referrals.Jobs;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals;

/// <summary>Registers and maps the referrals service: closed-loop referrals, their deadlines and pillar-to-post detection.</summary>
public static class ReferralsModule
{
    /// <summary>The service's name in configuration, health and workload tokens.</summary>
    public const string Name = "referrals";

    /// <summary>The address of the cases service this service asks about consent; unset in a process that runs cases itself.</summary>
    public const string CasesPeerKey = "ReferralNet:Peers:Cases";

    /// <summary>Adds the referrals service: its database, its endpoint, the consent check against cases, its event handlers and its deadline job.</summary>
    public static WebApplicationBuilder AddReferrals(this WebApplicationBuilder builder, bool runsCases)
    {
        builder.Services.AddServiceDatabase<ReferralsDbContext, SqliteReferralsDbContext, SqlServerReferralsDbContext, PostgresReferralsDbContext>(builder.Configuration, Name);
        builder.Services.AddGrpcEndpoint<ReferralsEndpoint, ReferralsDbContext>(Name, Proto.ReferralsService.Descriptor.FullName);
        builder.Services.Configure<ReferralsOptions>(builder.Configuration.GetSection(ReferralsOptions.Section));

        // The consent check is a real gRPC call even in one process (loopback to this host's own cases service).
        builder.Services.AddWorkloadTokens();
        builder.AddPeerClient<Proto.ConsentsService.ConsentsServiceClient>(CasesConsent.ClientName, "cases", CasesPeerKey, "which checks every referral's consent", servedHere: runsCases);

        builder.Services.AddSingleton<CasesConsent>();

        builder.Services.AddScoped<ServiceChangedHandler>();
        builder.Services.AddSingleton(EventSubscription.For<ReferralsDbContext, Proto.ServiceChanged, ServiceChangedHandler>());
        builder.Services.AddScoped<CaseCoordinationHandler>();
        builder.Services.AddSingleton(EventSubscription.For<ReferralsDbContext, Proto.CaseOpened, CaseCoordinationHandler>());
        builder.Services.AddSingleton(EventSubscription.For<ReferralsDbContext, Proto.CaseCoordinatorChanged, CaseCoordinationHandler>());
        builder.Services.AddSingleton(EventSubscription.For<ReferralsDbContext, Proto.CaseClosed, CaseCoordinationHandler>());
        builder.Services.AddScoped<ConsentRevokedHandler>();
        builder.Services.AddSingleton(EventSubscription.For<ReferralsDbContext, Proto.ConsentRevoked, ConsentRevokedHandler>());
        builder.Services.AddScoped<ServiceUserMergeHandler>();
        builder.Services.AddSingleton(EventSubscription.For<ReferralsDbContext, Proto.ServiceUsersMerged, ServiceUserMergeHandler>());
        builder.Services.AddScoped<SpannerProposalHandler>();
        builder.Services.AddSingleton(EventSubscription.For<ReferralsDbContext, Proto.SpannersProposed, SpannerProposalHandler>());

        builder.Services.AddSingleton<InboxFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InboxFeed>());
        builder.Services.AddSingleton<ReferralDeadlines>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ReferralDeadlines>());
        return builder;
    }

    /// <summary>Maps the referrals service's gRPC endpoint.</summary>
    public static WebApplication MapReferrals(this WebApplication app)
    {
        app.MapGrpcService<ReferralsEndpoint>();
        return app;
    }

    /// <summary>Migrates the referrals database (when MigrateOnStart is set).</summary>
    public static async Task InitializeReferralsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<IOptions<PersistenceOptions>>().Value.MigrateOnStart)
        {
            await services.MigrateAsync<ReferralsDbContext>(cancellationToken);
        }
    }
}
