using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Platform.Tests;

/// <summary>A process that does not run the organizations service refuses to start without what its caller checks need.</summary>
public sealed class OrganizationsPeerConfigurationTests
{
    [Fact]
    public void Needs_the_address_of_the_organizations_service()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Builder(("ReferralNet:Auth:WorkloadName", "cases")).AddOrganizationsPeer());
        Assert.Contains(IdentityExtensions.OrganizationsPeerKey, error.Message);
    }

    [Fact]
    public void Needs_a_workload_name_unless_it_runs_exactly_one_service()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Builder((IdentityExtensions.OrganizationsPeerKey, "http://organizations:8080")).AddOrganizationsPeer());
        Assert.Contains("WorkloadName", error.Message);

        Builder((IdentityExtensions.OrganizationsPeerKey, "http://organizations:8080"), ("ReferralNet:Services:0", "cases")).AddOrganizationsPeer();
    }

    [Fact]
    public void Member_and_workload_audiences_must_differ()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Builder(("ReferralNet:Auth:WorkloadAudience", "referralnet")).AddPlatformDefaults());
        Assert.Contains("WorkloadAudience", error.Message);
    }

    [Fact]
    public void Without_Dapr_the_peer_is_called_at_its_configured_address()
    {
        var builder = Builder((IdentityExtensions.OrganizationsPeerKey, "http://organizations:8080"), ("ReferralNet:Services:0", "cases"));
        builder.AddPlatformDefaults().AddOrganizationsPeer();
        using var app = builder.Build();

        var client = app.Services.GetRequiredService<IOptionsMonitor<GrpcClientFactoryOptions>>().Get(PeerMembershipSource.ClientName);
        Assert.Equal(new Uri("http://organizations:8080"), client.Address);
    }

    [Fact]
    public async Task Through_Dapr_the_membership_check_goes_to_the_sidecar_naming_the_app_with_the_workload_token()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();

        // No peer address: the sidecar finds the organizations app by its id.
        var builder = Builder([("ReferralNet:Services:0", "cases"), ("DAPR_API_TOKEN", "token-of-the-sidecar-api"),
            .. DaprBusTests.DaprSettings(sidecar).Select(s => (s.Key, s.Value!))]);
        builder.AddPlatformDefaults().AddOrganizationsPeer();
        await using var app = builder.Build();

        var client = app.Services.GetRequiredService<IOptionsMonitor<GrpcClientFactoryOptions>>().Get(PeerMembershipSource.ClientName);
        Assert.Equal(new Uri(sidecar.GrpcEndpoint), client.Address);
        await app.Services.GetRequiredService<IMembershipSource>().ReadAsync("member-1", CancellationToken.None);

        var headers = Assert.Single(sidecar.ProxiedHeaders);
        Assert.Equal("organizations", headers.GetValue(PeerClients.AppIdHeader));
        Assert.Equal("token-of-the-sidecar-api", headers.GetValue("dapr-api-token"));
        var token = headers.GetValue("authorization");
        Assert.StartsWith("Bearer ", token);
        var workload = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ReadJsonWebToken(token!["Bearer ".Length..]);
        Assert.Equal("cases", workload.Claims.Single(c => c.Type == "azp").Value);
        Assert.Contains("referralnet-workloads", workload.Audiences);
    }

    private static WebApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = Path.GetTempPath() });
        builder.Configuration.AddInMemoryCollection([
            new("ReferralNet:Auth:DevIssuer", "true"),
            new("ReferralNet:Database:DataDirectory", Path.Combine(Path.GetTempPath(), "referralnet-peer-config-test")),
            .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))]);
        return builder;
    }
}
