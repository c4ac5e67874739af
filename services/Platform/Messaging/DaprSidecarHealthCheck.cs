using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// Readiness on the Dapr sidecar: without it this process can neither publish its outbox nor reach its peers. It asks
/// the sidecar's outbound health (<c>/v1.0/healthz/outbound</c>), which is up once its components are loaded and does not
/// wait for this app, so the app's readiness and the sidecar's start cannot wait on each other.
/// </summary>
public sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    /// <summary>The check's name.</summary>
    public const string Name = "dapr-sidecar";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await dapr.CheckOutboundHealthAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "The Dapr sidecar is not ready.");
}
