using Dapr;
using Grpc.Core;
using Grpc.Core.Interceptors;
using ReferralNet.Platform.Messaging;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// gRPC clients of the other ReferralNet services. In the distributed shape a call goes to the local Dapr sidecar, which
/// finds the peer by its app id (the <c>dapr-app-id</c> metadata), encrypts the hop with mTLS and applies its resiliency
/// policy; otherwise it goes to the peer's configured address. Either way the caller's own Polly pipeline, deadlines and
/// workload token apply unchanged: the sidecar proxies the gRPC call as it is, headers included.
/// </summary>
public static class PeerClients
{
    /// <summary>The metadata key that tells the sidecar which app to call.</summary>
    public const string AppIdHeader = "dapr-app-id";

    /// <summary>
    /// Registers the named client <paramref name="name"/> of <typeparamref name="TClient"/> for the peer service
    /// <paramref name="service"/>: through the sidecar when <c>ReferralNet:Dapr:Enabled</c>, else at the address in
    /// <paramref name="addressKey"/>, else, when this process runs the peer itself (<paramref name="servedHere"/>), at its
    /// own address: the embedded shape then takes the same path, deadlines and workload identity as the distributed one.
    /// <paramref name="why"/> says in the start-up error what the address is needed for.
    /// </summary>
    public static IHttpClientBuilder AddPeerClient<TClient>(this WebApplicationBuilder builder, string name, string service, string addressKey, string why, bool servedHere = false)
        where TClient : class
    {
        var dapr = DaprOptions.From(builder.Configuration);
        if (servedHere && !dapr.Enabled && builder.Configuration[addressKey] is not { Length: > 0 })
        {
            return builder.Services.AddGrpcClient<TClient>(name, (services, client) => client.Address = LoopbackAddress.Of(services));
        }

        if (dapr.Enabled)
        {
            var sidecar = new Uri(dapr.GrpcEndpoint!);
            var appId = dapr.AppIdOf(service);
            var apiToken = DaprDefaults.GetDefaultDaprApiToken(builder.Configuration);
            return builder.Services.AddGrpcClient<TClient>(name, client => client.Address = sidecar)
                .AddInterceptor(() => new SidecarRouting(appId, apiToken));
        }

        if (!Uri.TryCreate(builder.Configuration[addressKey], UriKind.Absolute, out var address))
        {
            throw new InvalidOperationException(
                $"This process does not run the {service} service: set {addressKey} to its address (e.g. http://{service}:8080), {why}, or enable ReferralNet:Dapr to reach it through the sidecar.");
        }

        return builder.Services.AddGrpcClient<TClient>(name, client => client.Address = address);
    }

    /// <summary>Adds the sidecar's routing metadata (app id, and the sidecar's API token when it has one) to every call.</summary>
    private sealed class SidecarRouting(string appId, string apiToken) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, Routed(context));

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, Routed(context));

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, Routed(context));

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(Routed(context));

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(Routed(context));

        private ClientInterceptorContext<TRequest, TResponse> Routed<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
        {
            var headers = new Metadata();
            foreach (var entry in context.Options.Headers ?? [])
            {
                headers.Add(entry);
            }

            headers.Add(AppIdHeader, appId);
            if (!string.IsNullOrEmpty(apiToken))
            {
                headers.Add(DaprTopicEvents.ApiTokenHeader, apiToken);
            }

            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }
    }
}
