using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReferralNet.Platform.Messaging;

namespace ReferralNet.Platform.Hosting;

/// <summary>OpenTelemetry traces, metrics and logs, exported over OTLP; wired only when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// Every ActivitySource and Meter of ReferralNet is named with this prefix ("ReferralNet.Persistence",
    /// "ReferralNet.Outbox", ...), so each is exported without being listed here.
    /// </summary>
    public const string SourceNames = "ReferralNet.*";

    /// <summary>
    /// With an OTLP endpoint: ASP.NET Core, gRPC client, HTTP, EF Core and runtime instrumentation plus ReferralNet's own
    /// sources and meters. Without one nothing would read the spans and measurements, yet the instrumentation would still
    /// build them on every call (about a tenth of the CPU of a simple read), so nothing is registered.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(SourceNames))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = http => !http.Request.Path.StartsWithSegments("/grpc.health.v1.Health"))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation()
                // Statements only: parameter values (names, BSN hashes, notes) never reach traces.
                .AddEntityFrameworkCoreInstrumentation()
                .AddSource(SourceNames))
            .UseOtlpExporter();
        return builder;
    }
}
