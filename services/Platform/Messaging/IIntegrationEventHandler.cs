using Google.Protobuf;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// Applies one kind of integration event to a service's own database. The handler only changes the context;
/// the platform adds the inbox row and saves both in one transaction, so a redelivery changes nothing.
/// </summary>
/// <typeparam name="TContext">The service's DbContext.</typeparam>
/// <typeparam name="TEvent">The protobuf event type.</typeparam>
public interface IIntegrationEventHandler<in TContext, in TEvent>
    where TContext : ServiceDbContext
    where TEvent : IMessage
{
    /// <summary>Applies <paramref name="integrationEvent"/> to <paramref name="db"/> without saving.</summary>
    Task HandleAsync(TContext db, TEvent integrationEvent, EventMetadata metadata, CancellationToken cancellationToken);
}

/// <summary>What travels with an event besides its payload.</summary>
/// <param name="EventId">The unique event id.</param>
/// <param name="OccurredAt">When the change happened at the publisher.</param>
public sealed record EventMetadata(Guid EventId, DateTimeOffset OccurredAt);
