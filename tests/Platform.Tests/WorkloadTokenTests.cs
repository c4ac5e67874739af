using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Time.Testing;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// With an authority, a process obtains its workload token by the OAuth client-credentials grant at the token endpoint
/// the authority's discovery document names (over HTTPS), and reuses it until four fifths of its lifetime have passed.
/// The authority here is a small one on a loopback port with a certificate of its own, standing in for Entra ID or Keycloak.
/// </summary>
public sealed class WorkloadTokenTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Dictionary<string, string>> _grants = new();
    private readonly X509Certificate2 _certificate = SelfSignedCertificate();
    private WebApplication _authority = null!;
    private string _address = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = Path.GetTempPath() });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate)));
        builder.Logging.ClearProviders();
        _authority = builder.Build();
        _authority.MapGet("/.well-known/openid-configuration", (HttpContext http) => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = _address,
            ["token_endpoint"] = $"{_address}/connect/token",
        }));
        _authority.MapPost("/connect/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            _grants.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            return form["client_secret"] == "s3cret"
                ? Results.Json(new { access_token = $"token-{_grants.Count}", token_type = "Bearer", expires_in = 300 })
                : Results.Json(new { error = "invalid_client" }, statusCode: 401);
        });
        await _authority.StartAsync();
        _address = _authority.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    [Fact]
    public async Task Asks_the_authority_by_client_credentials_and_reuses_the_token_until_four_fifths_of_its_lifetime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = Services(clock, "s3cret");
        var tokens = services.GetRequiredService<WorkloadTokens>();

        Assert.Equal("token-1", await tokens.GetAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(239));
        Assert.Equal("token-1", await tokens.GetAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("token-2", await tokens.GetAsync(CancellationToken.None));

        Assert.Equal(2, _grants.Count);
        var grant = _grants.First();
        Assert.Equal("client_credentials", grant["grant_type"]);
        Assert.Equal("cases", grant["client_id"]);
        Assert.Equal("referralnet-workloads/.default", grant["scope"]);
    }

    [Fact]
    public async Task A_refused_grant_fails_instead_of_sending_no_token()
    {
        await using var services = Services(TimeProvider.System, "wrong");

        await Assert.ThrowsAsync<HttpRequestException>(() => services.GetRequiredService<WorkloadTokens>().GetAsync(CancellationToken.None).AsTask());
    }

    public async Task DisposeAsync()
    {
        await _authority.StopAsync();
        await _authority.DisposeAsync();
        _certificate.Dispose();
    }

    // The services WorkloadTokens needs, as a process with this authority registers them; the authority's certificate is
    // trusted by this test's HTTP client alone.
    private ServiceProvider Services(TimeProvider clock, string secret)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReferralNet:Auth:Authority"] = _address,
            ["ReferralNet:Auth:WorkloadName"] = "cases",
            ["ReferralNet:Auth:WorkloadClientSecret"] = secret,
        }).Build();
        var services = new ServiceCollection();
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.Configure<ReferralNetOptions>(configuration.GetSection(ReferralNetOptions.Section));
        services.Configure<PersistenceOptions>(_ => { });
        services.AddSingleton(new TokenClock(clock));
        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<DevTokenIssuer>();
        services.AddSingleton<WorkloadTokens>();
        services.AddHttpClient(WorkloadTokens.AuthorityClient).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == _certificate.Thumbprint,
        });
        return services.BuildServiceProvider();
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
