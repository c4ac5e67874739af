using System.Reflection;
using FluentValidation;
using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Secrets;
using ReferralNet.Platform.Errors;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Platform.Hosting;

/// <summary>What every ReferralNet process shares: gRPC hosting, identity, errors, audit, health and telemetry.</summary>
public static class PlatformDefaults
{
    /// <summary>The grpc.health.v1 name that reports liveness only (a process that answers is alive).</summary>
    public const string LivenessService = "liveness";

    /// <summary>Registers the platform; services then add themselves with their own AddX.</summary>
    public static WebApplicationBuilder AddPlatformDefaults(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ReferralNetOptions.Section).Get<ReferralNetOptions>() ?? new ReferralNetOptions();
        builder.Services.Configure<ReferralNetOptions>(builder.Configuration.GetSection(ReferralNetOptions.Section));
        builder.Services.Configure<PersistenceOptions>(builder.Configuration.GetSection(PersistenceOptions.Section));
        builder.Services.Configure<AuditOptions>(builder.Configuration.GetSection(AuditOptions.Section));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // gRPC over cleartext HTTP/2 (prior knowledge) and REST/JSON over HTTP/1.1 or HTTP/2 on the same port; TLS ends at
            // the ingress or the Dapr sidecar.
            kestrel.ConfigureEndpointDefaults(listen => listen.UseCleartextProtocolDetection(kestrel.Limits.RequestHeadersTimeout));

            // Kestrel measures the request-body data rate of HTTP/2 per connection, and a connection below it is aborted
            // with every call on it: one stream whose body arrives slowly or not at all would reset the calls that share its
            // connection. grpc-dotnet turns the limit off for its streaming calls and recommends no minimum for gRPC
            // (grpc/grpc-dotnet#15, dotnet/aspnetcore#7635). A stream that never sends holds only itself, until its client's
            // deadline cancels it; a connection holds at most Http2.MaxStreamsPerConnection (100) of them.
            kestrel.Limits.MinRequestBodyDataRate = null;
        });

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<ErrorMappingInterceptor>();
            grpc.Interceptors.Add<AuditInterceptor>();
            grpc.Interceptors.Add<ValidationInterceptor>();
        }).AddRestTranscoding();
        builder.Services.UseStrictRequestParsing();
        builder.Services.AddGrpcReflection();
        builder.Services.AddHealthChecks().AddCheck("process", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), tags: ["live"]);
        builder.Services.AddGrpcHealthChecks(health =>
        {
            health.Services.Map("", _ => true);
            health.Services.Map(LivenessService, check => check.Tags.Contains("live"));
        });

        UnicodeText.EnsureNormalizationWorks();
        builder.Services.TryAddSingleton(TimeProvider.System);
        SecretKeys.EnsureConfigured(builder.Configuration, builder.Environment);
        builder.Services.TryAddSingleton<SecretKeys>();
        builder.Services.TryAddSingleton<PageTokens>();
        builder.AddDapr(options);
        builder.Services.TryAddSingleton<IEventBus, InProcessEventBus>();
        var audit = AuditRegistryOf(builder.Services);
        audit.AddUnaudited<AuditEndpoint>();
        if (OperatorClock.AddTo(builder, audit))
        {
            builder.Services.AddRequestValidators(typeof(OperatorClock).Assembly);
        }

        builder.Services.AddSingleton(audit);
        builder.Services.AddScoped<AuditScope>();
        builder.Services.AddSingleton<RefusalBudget>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RefusalAudit>();
        builder.Services.AddCallerIdentity(builder.Configuration, builder.Environment);
        builder.AddTelemetry();
        return builder;
    }

    /// <summary>
    /// Registers a service's gRPC endpoint: checks that every RPC declares its audit rule (start-up fails otherwise),
    /// reports the service in grpc.health.v1 under its full name, and registers its request validators.
    /// </summary>
    public static IServiceCollection AddGrpcEndpoint<TEndpoint, TContext>(this IServiceCollection services, string service, string grpcServiceName)
        where TEndpoint : class
        where TContext : ServiceDbContext
    {
        AuditRegistryOf(services).Add<TEndpoint, TContext>();
        services.Configure<GrpcHealthChecksOptions>(health => health.Services.Map(grpcServiceName, check => check.Tags.Contains(service) || check.Tags.Contains("live")));
        services.AddRequestValidators(typeof(TEndpoint).Assembly);
        return services;
    }

    /// <summary>Maps reflection and health (anonymous) and the audit check, and turns on authentication and the default-deny policy.</summary>
    public static WebApplication MapPlatformEndpoints(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        var maxMessageSize = app.Services.GetRequiredService<IOptions<ReferralNetOptions>>().Value.MaxReceiveMessageSize;
        app.UseMiddleware<RequestPrefetch>(maxMessageSize);
        app.UseMiddleware<RestRequestParsing>(maxMessageSize);
        app.MapGrpcReflectionService().AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapOpenApiDocument();
        app.MapGrpcService<AuditEndpoint>();
        if (app.Services.GetService<OperatorClock>() is not null)
        {
            app.MapGrpcService<OperatorClockEndpoint>();
        }

        app.MapDapr();
        return app;
    }

    private static IServiceCollection AddRequestValidators(this IServiceCollection services, Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)))
            {
                services.TryAddSingleton(contract, type);
            }
        }

        return services;
    }

    private static AuditRegistry AuditRegistryOf(IServiceCollection services) =>
        services.Select(d => d.ImplementationInstance).OfType<AuditRegistry>().FirstOrDefault() ?? new AuditRegistry();
}
