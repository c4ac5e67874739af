using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// An integration event stored in the same transaction as the change that raised it.
/// The dispatcher publishes it after the commit and retries until the bus takes it.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>The event id subscribers deduplicate on; time-ordered.</summary>
    public Guid Id { get; init; }

    /// <summary>The protobuf full name of the event, e.g. <c>referralnet.v1.ServiceChanged</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The protobuf-encoded event.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>When the change happened.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>When the bus took the event; null while it waits.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>Failed publish attempts so far.</summary>
    public int Attempts { get; set; }

    /// <summary>The earliest time of the next attempt (backs off after failures).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Why the last attempt failed (exception type and message; events carry no free text).</summary>
    public string? LastError { get; set; }

    /// <summary>An outbox row for <paramref name="integrationEvent"/>.</summary>
    public static OutboxMessage For(IMessage integrationEvent, DateTimeOffset occurredAt) => new()
    {
        Id = Guid.CreateVersion7(occurredAt),
        EventType = integrationEvent.Descriptor.FullName,
        Payload = integrationEvent.ToByteArray(),
        OccurredAt = occurredAt,
        NextAttemptAt = occurredAt,
    };

    /// <summary>The event as it travels on the bus.</summary>
    public IntegrationEvent ToIntegrationEvent() => new(Id, EventType, Payload, OccurredAt);

    internal sealed class Configuration : IEntityTypeConfiguration<OutboxMessage>
    {
        public void Configure(EntityTypeBuilder<OutboxMessage> builder)
        {
            builder.ToTable("outbox");
            builder.HasKey(x => x.Id);
            builder.Property(x => x.EventType).HasMaxLength(200);
            builder.Property(x => x.LastError).HasMaxLength(1000);
            builder.HasIndex(x => new { x.PublishedAt, x.NextAttemptAt });
        }
    }
}

/// <summary>An integration event on the bus: id, protobuf type name, payload and occurrence time.</summary>
/// <param name="Id">Unique event id; subscribers deduplicate on it.</param>
/// <param name="EventType">The protobuf full name of the payload.</param>
/// <param name="Payload">The protobuf-encoded event.</param>
/// <param name="OccurredAt">When the change happened.</param>
public sealed record IntegrationEvent(Guid Id, string EventType, byte[] Payload, DateTimeOffset OccurredAt);
