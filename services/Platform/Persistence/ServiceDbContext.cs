using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
    // Set while a WriteTransaction holds this context's SQLite gate, so saves inside it do not queue at it again.
    private bool _inWriteTransaction;

    // Set when a save inside the open write transaction wrote rows: its commit carries the audit record of the call.
    private bool _savedInWriteTransaction;

    /// <summary>Integration events waiting to be published, and those published recently.</summary>
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    /// <summary>Events this service has handled, keyed by event id and handler.</summary>
    public DbSet<InboxMessage> Inbox => Set<InboxMessage>();

    /// <summary>The append-only audit trail, sealed with a keyed MAC chain.</summary>
    public DbSet<AuditRecord> AuditTrail => Set<AuditRecord>();

    /// <summary>Signed checkpoints of the audit trail's head.</summary>
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();

    /// <summary>Responses of client-retryable writes, keyed by the client's request id.</summary>
    public DbSet<ProcessedRequest> ProcessedRequests => Set<ProcessedRequest>();

    /// <summary>Adds an integration event to the outbox; it commits with the next SaveChanges.</summary>
    public void AddEvent(IMessage integrationEvent, DateTimeOffset occurredAt) =>
        Outbox.Add(OutboxMessage.For(integrationEvent, occurredAt));

    /// <summary>
    /// Saves under the SQLite write gate. The gate is released in a finally block, so no outcome of the save (success,
    /// a lost concurrency race, a constraint violation, cancellation) can leave it held and wedge later writes.
    /// In an audited change call the save runs in a write transaction whose commit carries the call's audit record
    /// (<see cref="WriteTransaction.CommitAsync"/>): a change never commits without its record.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_inWriteTransaction)
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            _savedInWriteTransaction |= saved > 0;
            return saved;
        }

        if (AuditCall.Current?.RecordsChangeIn(this) == true && ChangeTracker.HasChanges())
        {
            if (Database.CurrentTransaction is not null)
            {
                throw new InvalidOperationException("An audited change must run in BeginWriteAsync's transaction, whose commit carries its audit record.");
            }

            await using var write = await BeginWriteAsync(cancellationToken);
            var saved = await SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await write.CommitAsync(cancellationToken);
            return saved;
        }

        var gate = SqliteWriteGate.For(this);
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            gate?.Release();
        }
    }

    /// <summary>
    /// Saves under the SQLite write gate, released in a finally block. Audited calls save asynchronously; a synchronous
    /// save inside one is refused rather than committed without its record.
    /// </summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (AuditCall.Current?.RecordsChangeIn(this) == true && ChangeTracker.HasChanges())
        {
            throw new InvalidOperationException("An audited change must be saved with SaveChangesAsync, which commits its audit record with it.");
        }

        var gate = _inWriteTransaction ? null : SqliteWriteGate.For(this);
        gate?.Wait();
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            gate?.Release();
        }
    }

    /// <summary>Waits for the SQLite write gate (if any), then begins a transaction that holds it until disposed.</summary>
    public async Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        if (_inWriteTransaction)
        {
            throw new InvalidOperationException("A write transaction is already open on this context.");
        }

        var gate = SqliteWriteGate.For(this);
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        try
        {
            var transaction = await Database.BeginTransactionAsync(cancellationToken);
            _inWriteTransaction = true;
            _savedInWriteTransaction = false;
            return new WriteTransaction(this, transaction, gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    /// <summary>
    /// Commits a write transaction. When it saved the change of an audited call, the call's record is sealed onto the
    /// chain in the same transaction first, after the change's own rows, so the chain's lock is held only for the head
    /// read, the insert and the commit.
    /// </summary>
    internal async Task CommitWriteAsync(IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var call = _savedInWriteTransaction && AuditCall.Current is { } current && current.RecordsChangeIn(this) ? current : null;
        if (call is not null)
        {
            try
            {
                await AuditChain.AppendAsync(this, [call.Entry(nameof(Grpc.Core.StatusCode.OK))], call.Keys, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The change rolls back with its record: the caller learns that nothing happened and may retry.
                throw new AuditUnavailableException(ex);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        call?.ChangeCommitted();
    }

    internal void WriteEnded() => _inWriteTransaction = false;

    // Contexts are pooled: disposing returns this instance to the pool for the next call. EF resets its own state then
    // (its reset hooks are not overridable); this context's state is reset here, so no lease inherits a write transaction.
    /// <inheritdoc />
    public override void Dispose()
    {
        _inWriteTransaction = false;
        base.Dispose();
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        _inWriteTransaction = false;
        return base.DisposeAsync();
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is stored in UTC at whole microseconds, the finest every supported database keeps, so a stored
        // value reads back exactly. SQLite has no date-time type: there instants are UTC ticks, exact and sortable.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcMicrosecondTicks>();
        }
        else
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcMicroseconds>();
        }
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new OutboxMessage.Configuration());
        modelBuilder.ApplyConfiguration(new InboxMessage.Configuration());
        modelBuilder.ApplyConfiguration(new AuditRecord.Configuration());
        modelBuilder.ApplyConfiguration(new AuditCheckpoint.Configuration());
        modelBuilder.ApplyConfiguration(new ProcessedRequest.Configuration());
        modelBuilder.ApplyConfiguration(new DataVersion.Configuration());
    }

    private sealed class UtcMicrosecondTicks() : ValueConverter<DateTimeOffset, long>(
        v => Instants.AtStoragePrecision(v).UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));

    private sealed class UtcMicroseconds() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => Instants.AtStoragePrecision(v), v => v.ToUniversalTime());
}

/// <summary>The precision instants are stored and sent at.</summary>
public static class Instants
{
    /// <summary>The instant as every database stores it and every response carries it: UTC, whole microseconds.</summary>
    public static DateTimeOffset AtStoragePrecision(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}

/// <summary>Row locks for rules that span rows (one open case per service user, an organization's state and its creates).</summary>
public static class RowLocks
{
    /// <summary>
    /// Takes the write lock of the rows of <paramref name="rows"/> until the current transaction ends, with a no-op update
    /// of their version (their etags stay valid); a plain read would let two transactions check the same state and both
    /// act on it. Returns how many rows it locked. Run it inside <see cref="ServiceDbContext.BeginWriteAsync"/>.
    /// </summary>
    public static Task<int> LockAsync<T>(this IQueryable<T> rows, CancellationToken cancellationToken)
        where T : Domain.VersionedEntity =>
        rows.ExecuteUpdateAsync(set => set.SetProperty(e => e.Version, e => e.Version), cancellationToken);
}
