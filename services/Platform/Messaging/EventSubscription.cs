using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Messaging;

/// <summary>One handler's subscription to one event type; the bus delivers matching events through it.</summary>
public sealed class EventSubscription
{
    // How often a handler runs again when another writer changed a row it read, before the delivery fails (and the outbox
    // retries it later).
    private const int ConflictRetries = 5;

    // Asked before and after every delivery of every event: a compiled read by the inbox's key.
    private static readonly CompiledPerModel<Func<ServiceDbContext, Guid, string, CancellationToken, Task<bool>>> Handled = new(() =>
        EF.CompileAsyncQuery((ServiceDbContext db, Guid eventId, string handler, CancellationToken _) => db.Inbox.Any(i => i.EventId == eventId && i.Handler == handler)));

    private readonly Func<IServiceProvider, IntegrationEvent, CancellationToken, Task> _deliver;

    private EventSubscription(string eventType, string handler, bool perReplica, Func<IServiceProvider, IntegrationEvent, CancellationToken, Task> deliver)
    {
        EventType = eventType;
        Handler = handler;
        PerReplica = perReplica;
        _deliver = deliver;
    }

    /// <summary>The protobuf full name of the event type.</summary>
    public string EventType { get; }

    /// <summary>The handler's name, as kept in the inbox.</summary>
    public string Handler { get; }

    /// <summary>
    /// True when the handler keeps state in this process's memory (<see cref="InMemory{TEvent}"/>): then every replica of
    /// the service must see every event, while a database handler needs each event once per service, whichever replica
    /// takes it. A broker delivers the two kinds through different consumer groups.
    /// </summary>
    public bool PerReplica { get; }

    /// <summary>Applies the event once, in a scope of its own.</summary>
    public async Task DeliverAsync(IServiceProvider services, IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await _deliver(scope.ServiceProvider, integrationEvent, cancellationToken);
    }

    /// <summary>
    /// A subscription that applies <typeparamref name="TEvent"/> to state held in memory, without a database or an inbox:
    /// <paramref name="apply"/> must make a redelivery harmless itself (e.g. by comparing versions).
    /// </summary>
    public static EventSubscription InMemory<TEvent>(string handler, Action<IServiceProvider, TEvent> apply)
        where TEvent : IMessage<TEvent>, new()
    {
        var parser = new MessageParser<TEvent>(() => new TEvent());
        return new EventSubscription(new TEvent().Descriptor.FullName, handler, perReplica: true, (services, integrationEvent, _) =>
        {
            apply(services, parser.ParseFrom(integrationEvent.Payload));
            return Task.CompletedTask;
        });
    }

    /// <summary>A subscription of <typeparamref name="THandler"/> to <typeparamref name="TEvent"/>.</summary>
    public static EventSubscription For<TContext, TEvent, THandler>()
        where TContext : ServiceDbContext
        where TEvent : IMessage<TEvent>, new()
        where THandler : IIntegrationEventHandler<TContext, TEvent>
    {
        var parser = new MessageParser<TEvent>(() => new TEvent());
        var handlerName = typeof(THandler).FullName!;
        return new EventSubscription(new TEvent().Descriptor.FullName, handlerName, perReplica: false, async (services, integrationEvent, cancellationToken) =>
        {
            var db = services.GetRequiredService<TContext>();
            var time = services.GetRequiredService<TimeProvider>();
            var handler = services.GetRequiredService<THandler>();
            var payload = parser.ParseFrom(integrationEvent.Payload);
            for (var attempt = 1; ; attempt++)
            {
                // This read only spares a redelivery the handler's work; the inbox key below is what guarantees once.
                if (await HandledAsync(db, integrationEvent.Id, handlerName, cancellationToken))
                {
                    return;
                }

                db.Inbox.Add(new InboxMessage
                {
                    EventId = integrationEvent.Id,
                    Handler = handlerName,
                    EventType = integrationEvent.EventType,
                    HandledAt = time.GetUtcNow(),
                });
                await handler.HandleAsync(db, payload, new EventMetadata(integrationEvent.Id, integrationEvent.OccurredAt), cancellationToken);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    return;
                }
                catch (DbUpdateConcurrencyException) when (attempt < ConflictRetries)
                {
                    // Another writer changed a row the handler read (events of other aggregates are handled side by
                    // side): the handler runs again on the rows as they are now, as a later delivery would.
                    db.ChangeTracker.Clear();
                }
                catch (DbUpdateException)
                {
                    // A concurrent delivery of the same event won the inbox key: its effect stands, ours must not.
                    db.ChangeTracker.Clear();
                    if (!await HandledAsync(db, integrationEvent.Id, handlerName, cancellationToken))
                    {
                        throw;
                    }

                    return;
                }
            }
        });
    }

    private static Task<bool> HandledAsync(ServiceDbContext db, Guid eventId, string handler, CancellationToken cancellationToken) =>
        Handled.For(db)(db, eventId, handler, cancellationToken);
}
