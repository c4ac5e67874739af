namespace ReferralNet.Platform.Messaging;

/// <summary>
/// The embedded shape's bus: delivers each event to every subscription of this process before it returns.
/// A failing handler fails the publish, so the outbox retries; handlers that already applied it skip it by inbox.
/// </summary>
public sealed class InProcessEventBus(IEnumerable<EventSubscription> subscriptions, IServiceProvider services) : IEventBus
{
    private readonly ILookup<string, EventSubscription> _byType = subscriptions.ToLookup(s => s.EventType);

    /// <inheritdoc />
    public Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken) =>
        EventSubscription.DeliverAsync(services, _byType[integrationEvent.EventType], integrationEvent, cancellationToken);
}
