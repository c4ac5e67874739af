using Dapr;
using Dapr.Client;
using ReferralNet.Platform.Hosting;

namespace ReferralNet.Platform.Messaging;

/// <summary>Registers the Dapr bus, the sidecar's health in readiness and the subscriber endpoint when <c>ReferralNet:Dapr:Enabled</c> is set.</summary>
public static class DaprExtensions
{
    /// <summary>
    /// With Dapr enabled: the Dapr client, <see cref="DaprEventBus"/> as this process's bus, and the sidecar health check
    /// (readiness only: a sidecar that restarts must not restart the app). Registered before the in-process bus, which is
    /// added only when no bus is.
    /// </summary>
    public static WebApplicationBuilder AddDapr(this WebApplicationBuilder builder, ReferralNetOptions process)
    {
        var options = DaprOptions.From(builder.Configuration);
        if (!options.Enabled)
        {
            return builder;
        }

        if (string.IsNullOrEmpty(options.AppApiToken))
        {
            throw new InvalidOperationException(
                "ReferralNet:Dapr:Enabled needs the app API token the sidecar presents (APP_API_TOKEN, from the dapr.io/app-token-secret annotation, or ReferralNet:Dapr:AppApiToken): without it anyone who reaches the app port could deliver events.");
        }

        var appId = builder.Configuration["APP_ID"] ?? (process.Services is [var only] ? only : "referralnet");
        options.Source ??= $"/referralnet/{appId}";
        var daprApiToken = DaprDefaults.GetDefaultDaprApiToken(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => new DaprClientBuilder()
            .UseGrpcEndpoint(options.GrpcEndpoint!)
            .UseHttpEndpoint(options.HttpEndpoint!)
            .UseDaprApiToken(daprApiToken)
            .Build());
        builder.Services.AddSingleton<IEventBus, DaprEventBus>();
        builder.Services.AddHealthChecks().AddCheck<DaprSidecarHealthCheck>(DaprSidecarHealthCheck.Name, tags: ["ready"]);
        return builder;
    }

    /// <summary>Maps the sidecar's AppCallback service (subscriptions and deliveries), open to the sidecar's app API token only.</summary>
    public static WebApplication MapDapr(this WebApplication app)
    {
        if (app.Services.GetService<DaprOptions>() is not null)
        {
            // Not a member's call: the fallback policy would refuse it; DaprTopicEvents checks the sidecar's token itself.
            app.MapGrpcService<DaprTopicEvents>().AllowAnonymous();
        }

        return app;
    }
}
