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
