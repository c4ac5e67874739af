using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Messaging;

/// <summary>One handler's subscription to one event type; the bus delivers matching events through it.</summary>
public sealed class EventSubscription
{
    // How often the handlers run again when another writer changed a row they read, before the delivery fails (and the
    // outbox retries it later).
    private const int ConflictRetries = 5;

    // Asked before every delivery of every event: a compiled read of the handlers that already applied it.
    private static readonly CompiledPerModel<Func<ServiceDbContext, Guid, IAsyncEnumerable<string>>> Handled = new(() =>
        EF.CompileAsyncQuery((ServiceDbContext db, Guid eventId) => db.Inbox.Where(i => i.EventId == eventId).Select(i => i.Handler)));

    private readonly Func<IServiceProvider, IntegrationEvent, CancellationToken, Task>? _applyInMemory;
    private readonly Func<IServiceProvider, ServiceDbContext, IntegrationEvent, CancellationToken, Task>? _handle;

    private EventSubscription(
        string eventType,
        string handler,
        Type? context,
        Func<IServiceProvider, IntegrationEvent, CancellationToken, Task>? applyInMemory,
        Func<IServiceProvider, ServiceDbContext, IntegrationEvent, CancellationToken, Task>? handle)
    {
        EventType = eventType;
        Handler = handler;
        Context = context;
        _applyInMemory = applyInMemory;
        _handle = handle;
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
    public bool PerReplica => Context is null;

    // The service database a handler writes; null for a handler of memory.
    private Type? Context { get; }

    /// <summary>
    /// Applies an event once through each of <paramref name="subscriptions"/> (all of its type). The handlers of one
    /// service database apply it in one transaction, with one inbox row each, so a service pays one write per event
    /// however many of its views follow it; should that fail, each runs in a transaction of its own, so that a failing
    /// handler fails alone and the others' effect stands.
    /// </summary>
    public static Task DeliverAsync(IServiceProvider services, IEnumerable<EventSubscription> subscriptions, IntegrationEvent integrationEvent, CancellationToken cancellationToken) =>
        Task.WhenAll(subscriptions.GroupBy(s => s.Context).Select(group => group.Key is null
            ? Task.WhenAll(group.Select(s => s.ApplyInMemoryAsync(services, integrationEvent, cancellationToken)))
            : ApplyAsync(services, group.Key, [.. group], integrationEvent, cancellationToken)));

    /// <summary>
    /// A subscription that applies <typeparamref name="TEvent"/> to state held in memory, without a database or an inbox:
    /// <paramref name="apply"/> must make a redelivery harmless itself (e.g. by comparing versions).
    /// </summary>
    public static EventSubscription InMemory<TEvent>(string handler, Action<IServiceProvider, TEvent> apply)
        where TEvent : IMessage<TEvent>, new()
    {
        var parser = new MessageParser<TEvent>(() => new TEvent());
        return new EventSubscription(new TEvent().Descriptor.FullName, handler, context: null, (services, integrationEvent, _) =>
        {
            apply(services, parser.ParseFrom(integrationEvent.Payload));
            return Task.CompletedTask;
        }, handle: null);
    }

    /// <summary>A subscription of <typeparamref name="THandler"/> to <typeparamref name="TEvent"/>.</summary>
    public static EventSubscription For<TContext, TEvent, THandler>()
        where TContext : ServiceDbContext
        where TEvent : IMessage<TEvent>, new()
        where THandler : IIntegrationEventHandler<TContext, TEvent>
    {
        var parser = new MessageParser<TEvent>(() => new TEvent());
        return new EventSubscription(new TEvent().Descriptor.FullName, typeof(THandler).FullName!, typeof(TContext), applyInMemory: null,
            (services, db, integrationEvent, cancellationToken) => services.GetRequiredService<THandler>().HandleAsync(
                (TContext)db, parser.ParseFrom(integrationEvent.Payload), new EventMetadata(integrationEvent.Id, integrationEvent.OccurredAt), cancellationToken));
    }

    private async Task ApplyInMemoryAsync(IServiceProvider services, IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await _applyInMemory!(scope.ServiceProvider, integrationEvent, cancellationToken);
    }

    private static async Task ApplyAsync(IServiceProvider services, Type context, IReadOnlyList<EventSubscription> subscriptions, IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        if (subscriptions.Count > 1)
        {
            try
            {
                await ApplyInOneTransactionAsync(services, context, subscriptions, integrationEvent, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or InvalidProtocolBufferException))
            {
                // Below, the failing handler fails on its own.
            }
        }

        await Task.WhenAll(subscriptions.Select(s => ApplyInOneTransactionAsync(services, context, [s], integrationEvent, cancellationToken)));
    }

    private static async Task ApplyInOneTransactionAsync(IServiceProvider services, Type context, IReadOnlyList<EventSubscription> subscriptions, IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = (ServiceDbContext)scope.ServiceProvider.GetRequiredService(context);
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        for (var attempt = 1; ; attempt++)
        {
            // This read only spares a redelivery the handlers' work; the inbox key below is what guarantees once.
            var handled = await HandledAsync(db, integrationEvent.Id, cancellationToken);
            var pending = subscriptions.Where(s => !handled.Contains(s.Handler)).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            foreach (var subscription in pending)
            {
                db.Inbox.Add(new InboxMessage
                {
                    EventId = integrationEvent.Id,
                    Handler = subscription.Handler,
                    EventType = integrationEvent.EventType,
                    HandledAt = time.GetUtcNow(),
                });
                await subscription._handle!(scope.ServiceProvider, db, integrationEvent, cancellationToken);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < ConflictRetries)
            {
                // Another writer changed a row a handler read (events of other aggregates are handled side by side): the
                // handlers run again on the rows as they are now, as a later delivery would.
                db.DiscardChanges();
            }
            catch (DbUpdateException)
            {
                // A concurrent delivery of the same event won an inbox key: its effect stands, ours must not; the handlers
                // it did not cover run again.
                db.DiscardChanges();
                var nowHandled = await HandledAsync(db, integrationEvent.Id, cancellationToken);
                if (pending.All(s => nowHandled.Contains(s.Handler)))
                {
                    return;
                }

                if (!pending.Any(s => nowHandled.Contains(s.Handler)) || attempt >= ConflictRetries)
                {
                    throw;
                }
            }
        }
    }

    private static async Task<HashSet<string>> HandledAsync(ServiceDbContext db, Guid eventId, CancellationToken cancellationToken)
    {
        var handled = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var handler in Handled.For(db)(db, eventId).WithCancellation(cancellationToken))
        {
            handled.Add(handler);
        }

        return handled;
    }
}
