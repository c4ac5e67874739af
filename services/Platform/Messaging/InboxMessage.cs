using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// Proof that a handler has applied an event. Inserted in the handler's own transaction; the primary key
/// (event id, handler) makes a redelivered event fail to insert, so its effect is never applied twice.
/// </summary>
public sealed class InboxMessage
{
    /// <summary>The event id.</summary>
    public Guid EventId { get; init; }

    /// <summary>The handler that applied it (one event may have several handlers in one service).</summary>
    public required string Handler { get; init; }

    /// <summary>The event's protobuf type name.</summary>
    public required string EventType { get; init; }

    /// <summary>When the handler applied it.</summary>
    public DateTimeOffset HandledAt { get; init; }

    internal sealed class Configuration : IEntityTypeConfiguration<InboxMessage>
    {
        public void Configure(EntityTypeBuilder<InboxMessage> builder)
        {
            builder.ToTable("inbox");
            builder.HasKey(x => new { x.EventId, x.Handler });
            builder.Property(x => x.Handler).HasMaxLength(200);
            builder.Property(x => x.EventType).HasMaxLength(200);
            builder.HasIndex(x => x.HandledAt);
        }
    }
}
