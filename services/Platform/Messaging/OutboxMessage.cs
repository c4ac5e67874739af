using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// An integration event stored in the same transaction as the change that raised it.
/// The dispatcher publishes it after the commit, retries until the bus takes it, and gives up (dead letter) after
/// <see cref="OutboxOptions.MaxAttempts"/> attempts.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>
    /// Where the row stands in the outbox: assigned by the database (identity, autoincrement) as the row is inserted,
    /// so it never goes backwards. The events of one aggregate leave in this order.
    /// </summary>
    public long Position { get; private set; }

    /// <summary>The event id subscribers deduplicate on.</summary>
    public Guid Id { get; init; }

    /// <summary>The protobuf full name of the event, e.g. <c>referralnet.v1.ServiceChanged</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The id of the object the event is about (field 1 of every integration event); its events leave in order.</summary>
    public required string Aggregate { get; init; }

    /// <summary>The protobuf-encoded event.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>When the change happened.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>When the bus took the event; null while it waits.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>When the dispatcher gave up on the event; it is never retried automatically after that.</summary>
    public DateTimeOffset? DeadLetteredAt { get; set; }

    /// <summary>Publish attempts so far: each claim by a dispatcher counts, so a row that crashes its publisher runs out too.</summary>
    public int Attempts { get; set; }

    /// <summary>The earliest time of the next attempt (backs off after failures).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The dispatcher publishing the row right now, or null.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When <see cref="LeaseOwner"/>'s claim ends: after it, another dispatcher may take the row over.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Why the last attempt failed (exception type and message; events carry no free text).</summary>
    public string? LastError { get; set; }

    /// <summary>An outbox row for <paramref name="integrationEvent"/>.</summary>
    public static OutboxMessage For(IMessage integrationEvent, DateTimeOffset occurredAt) => new()
    {
        Id = Guid.CreateVersion7(occurredAt),
        EventType = integrationEvent.Descriptor.FullName,
        Aggregate = AggregateOf(integrationEvent),
        Payload = integrationEvent.ToByteArray(),
        OccurredAt = occurredAt,
        NextAttemptAt = occurredAt,
    };

    /// <summary>
    /// The id of the object an event is about. Every integration event names it in field 1, either as the id itself
    /// (<c>string referral_id = 1</c>) or as the object with its id (<c>Organization organization = 1</c>).
    /// </summary>
    public static string AggregateOf(IMessage integrationEvent)
    {
        var subject = integrationEvent.Descriptor.FindFieldByNumber(1)?.Accessor.GetValue(integrationEvent);
        var id = subject switch
        {
            string value => value,
            IMessage entity => entity.Descriptor.FindFieldByName("id")?.Accessor.GetValue(entity) as string,
            _ => null,
        };
        return string.IsNullOrEmpty(id)
            ? throw new ArgumentException(
                $"{integrationEvent.Descriptor.FullName} does not name its subject in field 1 (an id, or an object with an id).",
                nameof(integrationEvent))
            : id;
    }

    /// <summary>The event as it travels on the bus.</summary>
    public IntegrationEvent ToIntegrationEvent() => new(Id, EventType, Payload, OccurredAt) { Subject = Aggregate };

    internal sealed class Configuration : IEntityTypeConfiguration<OutboxMessage>
    {
        public void Configure(EntityTypeBuilder<OutboxMessage> builder)
        {
            builder.ToTable("outbox");
            builder.HasKey(x => x.Position);
            builder.Property(x => x.Position).ValueGeneratedOnAdd();
            builder.HasIndex(x => x.Id).IsUnique();
            builder.Property(x => x.EventType).HasMaxLength(200);
            builder.Property(x => x.Aggregate).HasMaxLength(200);
            builder.Property(x => x.LeaseOwner).HasMaxLength(200);
            builder.Property(x => x.LastError).HasMaxLength(1000);

            // Unfinished rows (both instants null) in position order: the claim's scan, the backlog gauge, and (by its
            // leading column) retention's range of published rows.
            builder.HasIndex(x => new { x.PublishedAt, x.DeadLetteredAt, x.Position });

            // The claim's test that no earlier row of the same aggregate is unfinished.
            builder.HasIndex(x => new { x.PublishedAt, x.DeadLetteredAt, x.Aggregate, x.Position });
        }
    }
}

/// <summary>An integration event on the bus: id, protobuf type name, payload and occurrence time.</summary>
/// <param name="Id">Unique event id; subscribers deduplicate on it.</param>
/// <param name="EventType">The protobuf full name of the payload.</param>
/// <param name="Payload">The protobuf-encoded event.</param>
/// <param name="OccurredAt">When the change happened.</param>
public sealed record IntegrationEvent(Guid Id, string EventType, byte[] Payload, DateTimeOffset OccurredAt)
{
    /// <summary>
    /// The id of the object the event is about, when the publisher knows it (the outbox does): a broker keys its
    /// partitions by it, so one object's events stay in one partition.
    /// </summary>
    public string? Subject { get; init; }
}
