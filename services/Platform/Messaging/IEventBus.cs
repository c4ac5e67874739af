namespace ReferralNet.Platform.Messaging;

/// <summary>
/// Carries integration events between services, at least once. Publishing completes only when every
/// subscriber (in-process) or the broker (Dapr) has taken the event; a failure makes the outbox retry.
/// </summary>
public interface IEventBus
{
    /// <summary>Publishes one event.</summary>
    Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken);
}
