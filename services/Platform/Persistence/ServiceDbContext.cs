using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Messaging;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// Base of every service's DbContext: the service's own tables plus the platform's outbox, inbox,
/// audit trail and idempotency records, so that an entity change, its events, its audit record and its
/// idempotency key commit in one transaction.
/// </summary>
public abstract class ServiceDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>Integration events waiting to be published, and those published recently.</summary>
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    /// <summary>Events this service has handled, keyed by event id and handler.</summary>
    public DbSet<InboxMessage> Inbox => Set<InboxMessage>();

    /// <summary>The append-only, hash-chained audit trail.</summary>
    public DbSet<AuditRecord> AuditTrail => Set<AuditRecord>();

    /// <summary>Responses of client-retryable writes, keyed by the client's request id.</summary>
    public DbSet<ProcessedRequest> ProcessedRequests => Set<ProcessedRequest>();

    /// <summary>Adds an integration event to the outbox; it commits with the next SaveChanges.</summary>
    public void AddEvent(IMessage integrationEvent, DateTimeOffset occurredAt) =>
        Outbox.Add(OutboxMessage.For(integrationEvent, occurredAt));

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time type: store instants as UTC ticks, exact and sortable, so range filters and ordering translate.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new OutboxMessage.Configuration());
        modelBuilder.ApplyConfiguration(new InboxMessage.Configuration());
        modelBuilder.ApplyConfiguration(new AuditRecord.Configuration());
        modelBuilder.ApplyConfiguration(new ProcessedRequest.Configuration());
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}
