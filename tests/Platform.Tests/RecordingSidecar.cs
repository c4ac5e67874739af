using System.Collections.Concurrent;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReferralNet.Contracts.V1;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// What a Dapr sidecar shows the app, recorded on loopback (no Dapr runtime runs here): the gRPC publish API
/// (<c>dapr.proto.runtime.v1.Dapr/PublishEvent</c>, the call Dapr.Client makes), the HTTP outbound health endpoint, and
/// gRPC proxying of the organizations service's CheckMembership, which a sidecar forwards to the app named in
/// <c>dapr-app-id</c>. It records what arrives, as it arrives, and answers as told.
/// </summary>
public sealed class RecordingSidecar : IAsyncDisposable
{
    private WebApplication _app = null!;

    /// <summary>Every publish request, in arrival order.</summary>
    public ConcurrentQueue<PublishEventRequest> Published { get; } = new();

    /// <summary>Waits until <paramref name="count"/> events were published (by the host's own dispatcher), and returns them.</summary>
    public async Task<IReadOnlyList<PublishEventRequest>> WaitForPublishedAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Published.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Published.Count} of {count} events were published within 20 s.");
            }

            await Task.Delay(10);
        }

        return [.. Published];
    }

    /// <summary>A unary method bound by name, for either side of a gRPC service without generated code for that side.</summary>
    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string service, string name, MessageParser<TRequest> request, MessageParser<TResponse> response)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        new(MethodType.Unary, service, name,
            Marshallers.Create(message => message.ToByteArray(), request.ParseFrom),
            Marshallers.Create(message => message.ToByteArray(), response.ParseFrom));

    /// <summary>The request headers of every proxied call, in arrival order.</summary>
    public ConcurrentQueue<Metadata> ProxiedHeaders { get; } = new();

    /// <summary>When set, publishes fail with this status (a broker outage).</summary>
    public StatusCode? PublishFailure { get; set; }

    /// <summary>What the outbound health endpoint answers.</summary>
    public int HealthStatus { get; set; } = StatusCodes.Status204NoContent;

    /// <summary>The gRPC endpoint (HTTP/2 cleartext), as in <c>DAPR_GRPC_ENDPOINT</c>.</summary>
    public string GrpcEndpoint { get; private set; } = "";

    /// <summary>The HTTP endpoint (HTTP/1.1), as in <c>DAPR_HTTP_ENDPOINT</c>.</summary>
    public string HttpEndpoint { get; private set; } = "";

    /// <summary>Starts a sidecar on two free loopback ports.</summary>
    public static async Task<RecordingSidecar> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = Path.GetTempPath() });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var sidecar = new RecordingSidecar();
        builder.Services.AddSingleton(sidecar);
        builder.Services.AddSingleton<Api>();
        builder.Services.AddGrpc();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<Api>, Methods>());
        var app = sidecar._app = builder.Build();
        app.MapGrpcService<Api>();
        app.MapGet("/v1.0/healthz/outbound", () => Results.StatusCode(sidecar.HealthStatus));
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        sidecar.GrpcEndpoint = addresses[0];
        sidecar.HttpEndpoint = addresses[1];
        return sidecar;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Api(RecordingSidecar sidecar)
    {
        public Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
        {
            if (sidecar.PublishFailure is { } failure)
            {
                throw new RpcException(new Status(failure, "the broker is down"));
            }

            sidecar.Published.Enqueue(request);
            return Task.FromResult(new Empty());
        }

        public Task<CheckMembershipResponse> CheckMembership(CheckMembershipRequest request, ServerCallContext context)
        {
            sidecar.ProxiedHeaders.Enqueue(context.RequestHeaders);
            return Task.FromResult(new CheckMembershipResponse());
        }
    }

    // Binds the two methods by name, as Dapr's and our generated servers would, without a generated base class.
    private sealed class Methods : IServiceMethodProvider<Api>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<Api> context)
        {
            context.AddUnaryMethod(Unary("dapr.proto.runtime.v1.Dapr", "PublishEvent", PublishEventRequest.Parser, Empty.Parser), [], (api, request, call) => api.PublishEvent(request, call));
            context.AddUnaryMethod(Unary("referralnet.v1.OrganizationsService", "CheckMembership", CheckMembershipRequest.Parser, CheckMembershipResponse.Parser), [], (api, request, call) => api.CheckMembership(request, call));
        }
    }
}
