using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using ReferralNet.Server;

namespace ReferralNet.Organizations.Tests;

/// <summary>Kubernetes must stop routing to a process whose database is gone, but must not restart it for that.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Without_its_database_a_process_is_live_but_not_ready()
    {
        await using var app = ReferralNetHost.Build(["--environment", "Testing"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ReferralNet:Database:Provider"] = "Postgres",
                ["ReferralNet:Database:MigrateOnStart"] = "false",
                ["ConnectionStrings:organizations"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=nobody;Timeout=2",
                ["ConnectionStrings:cases"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=nobody;Timeout=2",
                ["ConnectionStrings:referrals"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=nobody;Timeout=2",
                ["ConnectionStrings:spanners"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=nobody;Timeout=2",
                ["ReferralNet:Auth:DevIssuer"] = "true",
                ["ReferralNet:Auth:SigningKey"] = Convert.ToBase64String(new byte[32]),
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var health = new Health.HealthClient(channel);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = "referralnet.v1.OrganizationsService" })).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);
        await app.StopAsync();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
