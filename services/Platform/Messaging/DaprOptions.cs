using Dapr;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// Configuration section <c>ReferralNet:Dapr</c>: the distributed shape, where each service runs beside a Dapr sidecar.
/// Off by default; the embedded shape keeps the in-process bus and plain gRPC addresses.
/// </summary>
public sealed class DaprOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Dapr";

    /// <summary>
    /// Events travel through the sidecar's pub/sub, calls to other services through its service invocation, and the
    /// sidecar's health is part of readiness.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The pub/sub component events are published to, and that database handlers subscribe through (its consumer group is
    /// the app id, so each event reaches one replica of each service).
    /// </summary>
    public string PubSub { get; set; } = "referralnet-pubsub";

    /// <summary>
    /// The pub/sub component on the same broker whose consumer group is the pod, through which in-memory handlers (the
    /// membership cache) subscribe: every replica must see every change of a membership.
    /// </summary>
    public string BroadcastPubSub { get; set; } = "referralnet-broadcast";

    /// <summary>Where the sidecar puts an event that a handler dropped as poison or that ran out of retries.</summary>
    public string DeadLetterTopic { get; set; } = "referralnet-dead-letter";

    /// <summary>
    /// The CloudEvents <c>source</c> of this process's events; by default <c>/referralnet/{app id}</c>, the app id being
    /// Dapr's <c>APP_ID</c> or else the one service the process runs.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>The sidecar's gRPC endpoint; by default Dapr's own (<c>DAPR_GRPC_ENDPOINT</c>, <c>DAPR_GRPC_PORT</c>, else port 50001).</summary>
    public string? GrpcEndpoint { get; set; }

    /// <summary>The sidecar's HTTP endpoint (health); by default Dapr's own (<c>DAPR_HTTP_ENDPOINT</c>, <c>DAPR_HTTP_PORT</c>, else port 3500).</summary>
    public string? HttpEndpoint { get; set; }

    /// <summary>
    /// The token the sidecar presents when it calls this app (<c>dapr-api-token</c>); by default Dapr's <c>APP_API_TOKEN</c>,
    /// set by the sidecar injector from the <c>dapr.io/app-token-secret</c> annotation. Required: the app port also takes
    /// the ingress's traffic, and nobody but the sidecar may hand this process events.
    /// </summary>
    public string? AppApiToken { get; set; }

    /// <summary>App ids of the peer services where they differ from the service's name (<c>ReferralNet:Dapr:AppIds:cases</c>).</summary>
    public Dictionary<string, string> AppIds { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The options of <paramref name="configuration"/>, with Dapr's own environment filling what is not set.</summary>
    public static DaprOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<DaprOptions>() ?? new DaprOptions();
        options.GrpcEndpoint ??= DaprDefaults.GetDefaultGrpcEndpoint(configuration);
        options.HttpEndpoint ??= DaprDefaults.GetDefaultHttpEndpoint(configuration);
        if (string.IsNullOrEmpty(options.AppApiToken))
        {
            options.AppApiToken = DaprDefaults.GetDefaultAppApiToken(configuration);
        }

        return options;
    }

    /// <summary>The app id of the peer service <paramref name="service"/>.</summary>
    public string AppIdOf(string service) => AppIds.GetValueOrDefault(service) ?? service;

    /// <summary>The topic of an event type: one per type, named by its protobuf full name (e.g. <c>referralnet.v1.MemberChanged</c>).</summary>
    public static string TopicOf(string eventType) => eventType;
}
