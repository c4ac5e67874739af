using Microsoft.Extensions.Configuration;
using ReferralNet.Server;

namespace ReferralNet.Organizations.Tests;

/// <summary>Start-up refuses configurations that would be unsafe or meaningless.</summary>
public sealed class HostConfigurationTests
{
    [Fact]
    public void Production_refuses_the_development_token_issuer()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build("Production", ("ReferralNet:Auth:DevIssuer", "true")));
        Assert.Contains("DevIssuer", error.Message);
    }

    [Fact]
    public void Production_refuses_the_operator_clock()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(
            "Production", ("ReferralNet:OperatorClock:Enabled", "true"), ("ReferralNet:Auth:Issuer", "https://login.example"), ("ReferralNet:Auth:SigningKey", Convert.ToBase64String(new byte[32]))));
        Assert.Contains("OperatorClock", error.Message);
    }

    [Fact]
    public void Production_needs_a_token_authority_or_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build("Production"));
        Assert.Contains("Authority", error.Message);
    }

    [Fact]
    public void Unknown_services_are_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build("Testing", ("ReferralNet:Auth:DevIssuer", "true"), ("ReferralNet:Services:0", "billing")));
        Assert.Contains("billing", error.Message);
    }

    [Fact]
    public void Production_needs_its_secret_keys_from_configuration()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ReferralNetHost.Build(["--environment", "Production"], builder =>
            builder.Configuration.AddInMemoryCollection([new("ReferralNet:Auth:Authority", "https://login.example")])));
        Assert.Contains("ReferralNet:Keys:PageTokens", error.Message);
        Assert.Contains("ReferralNet:Keys:AuditTrail", error.Message);
    }

    [Fact]
    public void Production_running_cases_needs_the_bsn_key_from_configuration()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ReferralNetHost.Build(["--environment", "Production"], builder =>
            builder.Configuration.AddInMemoryCollection([
                new("ReferralNet:Auth:Authority", "https://login.example"),
                new("ReferralNet:Keys:PageTokens", Convert.ToBase64String(new byte[32])),
                new("ReferralNet:Keys:AuditTrail", Convert.ToBase64String(new byte[32])),
            ])));
        Assert.Contains("ReferralNet:Keys:BsnIdentity", error.Message);
    }

    [Fact]
    public async Task Production_with_a_configured_issuer_builds()
    {
        await using var app = Build("Production", ("ReferralNet:Auth:Issuer", "https://login.example"), ("ReferralNet:Auth:SigningKey", Convert.ToBase64String(new byte[32])));
        Assert.NotNull(app);
    }

    [Fact]
    public async Task Generated_services_are_bound_by_the_strict_parser_alone()
    {
        await using var app = Build("Testing", ("ReferralNet:Auth:DevIssuer", "true"));

        // Two binders would serve every route twice; grpc-dotnet's own would answer malformed protobuf with UNKNOWN.
        var binders = app.Services.GetServices<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<Api.OrganizationsEndpoint>>().Select(b => b.GetType().Name).ToList();
        Assert.Contains("StrictRequestParsing`1", binders);
        Assert.DoesNotContain("BinderServiceMethodProvider`1", binders);
    }

    [Fact]
    public async Task Telemetry_is_wired_only_when_an_exporter_is_configured()
    {
        // Without somewhere to send them, spans and measurements would only cost CPU on every call.
        await using (var quiet = Build("Testing", ("ReferralNet:Auth:DevIssuer", "true")))
        {
            Assert.Null(quiet.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
            Assert.Null(quiet.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        }

        await using var exporting = Build("Testing", ("ReferralNet:Auth:DevIssuer", "true"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"));
        Assert.NotNull(exporting.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.NotNull(exporting.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }

    private static WebApplication Build(string environment, params (string Key, string Value)[] settings) =>
        ReferralNetHost.Build(["--environment", environment], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
            builder.Configuration["ReferralNet:Database:DataDirectory"] = Path.Combine(Path.GetTempPath(), "referralnet-config-test");
            builder.Configuration["ReferralNet:Keys:PageTokens"] = Convert.ToBase64String(new byte[32]);
            builder.Configuration["ReferralNet:Keys:AuditTrail"] = Convert.ToBase64String(new byte[32]);
            builder.Configuration["ReferralNet:Keys:BsnIdentity"] = Convert.ToBase64String(new byte[32]);
        });
}
