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
    // The open write (BeginWriteAsync), so saves inside it run in it and take no turn again.
    private WriteTransaction? _write;

    // Set when a save inside the open write wrote rows: its commit carries the audit record of the call.
    private bool _savedInWrite;

    // Events added since the last commit: they are inserted when the write that holds the change commits.
    private readonly List<OutboxMessage> _newEvents = [];

    /// <summary>
    /// The service name a service that does not keep the access log itself sends its records of personal data under
    /// (<see cref="Audit.AuditChain"/> publishes each as PersonalDataAccessed to the cases service); null for the
    /// service that keeps it and for services without personal data.
    /// </summary>
    protected internal virtual string? AccessLogSource => null;

    /// <summary>
    /// Set when outbox rows went in without the change tracker (<see cref="InsertEventsAsync"/>), so that the commit still
    /// wakes the dispatcher; the commit's notification clears it.
    /// </summary>
    internal bool OutboxRowsInserted { get; set; }

    /// <summary>True while a write (<see cref="BeginWriteAsync"/>) is open on this context.</summary>
    internal bool InWrite => _write is not null;

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

    /// <summary>
    /// Adds an integration event to the outbox. It commits with the change: inside a write when the write commits, else
    /// with the next SaveChanges (which then runs as a write). Its row goes in without the change tracker, after the
    /// change's rows (SaveChanges' tracking and result propagation cost more than the insert itself, in every change).
    /// Returns the event's outbox row, whose id is the event's id.
    /// </summary>
    public OutboxMessage AddEvent(IMessage integrationEvent, DateTimeOffset occurredAt)
    {
        var row = OutboxMessage.For(integrationEvent, occurredAt);
        _newEvents.Add(row);
        return row;
    }

    /// <summary>
    /// Forgets every change not yet saved: the tracked entities and the events added since the last commit. For a caller
    /// that handles a failed save and goes on with this context.
    /// </summary>
    public void DiscardChanges()
    {
        ChangeTracker.Clear();
        _newEvents.Clear();
    }

    /// <summary>
    /// Inserts outbox rows in the current transaction without the change tracker, for rows nothing reads back in this
    /// call (the access log's copies of audit records): they get their positions from the database, commit with the
    /// transaction and wake the dispatcher when it commits.
    /// </summary>
    public async Task InsertEventsAsync(IReadOnlyList<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        await RowInserter<OutboxMessage>.InsertAsync(this, rows, cancellationToken);
        OutboxRowsInserted = true;
    }

    /// <summary>
    /// Saves in a write. On SQLite every save that changes rows is one write of the file's group commit (or part of the
    /// open <see cref="BeginWriteAsync"/> write), so no outcome of it (success, a lost concurrency race, a constraint
    /// violation, cancellation) can leave the file's turn held. In an audited change call the save runs in a write whose
    /// commit carries the call's audit record (<see cref="WriteTransaction.CommitAsync"/>): a change never commits without it.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_write is not null)
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            _savedInWrite |= saved > 0;
            return saved;
        }

        var changes = _newEvents.Count > 0 || ChangeTracker.HasChanges();
        var audited = AuditCall.Current?.RecordsChangeIn(this) == true && changes;
        if (audited && Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("An audited change must run in BeginWriteAsync's transaction, whose commit carries its audit record.");
        }

        // A transaction begun on the context's own connection (not a write) keeps its save; SQLite's lock orders it. Events
        // make a save a write on every database: they go in with its commit.
        if (audited || (Database.CurrentTransaction is null && (_newEvents.Count > 0 || (changes && SqliteGroupCommit.For(this) is not null))))
        {
            await using var write = await BeginWriteAsync(cancellationToken);
            var saved = await SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await write.CommitAsync(cancellationToken);
            return saved;
        }

        var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (_newEvents.Count > 0)
        {
            await InsertNewEventsAsync(cancellationToken);
        }

        return written;
    }

    /// <summary>Saves like <see cref="SaveChangesAsync(bool, CancellationToken)"/>; audited calls save asynchronously, and a synchronous save inside one is refused.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var changes = _newEvents.Count > 0 || ChangeTracker.HasChanges();
        if (AuditCall.Current?.RecordsChangeIn(this) == true && changes)
        {
            throw new InvalidOperationException("An audited change must be saved with SaveChangesAsync, which commits its audit record with it.");
        }

        if (_newEvents.Count > 0 && (_write is not null || Database.CurrentTransaction is not null))
        {
            throw new InvalidOperationException("Events of a change in a transaction are saved with SaveChangesAsync.");
        }

        return _write is null && Database.CurrentTransaction is null && (_newEvents.Count > 0 || (changes && SqliteGroupCommit.For(this) is not null))
            ? SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult()
            : base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>
    /// Begins a write: on SQLite it waits for the file's turn and joins the open batch of its group commit; on a server
    /// database it begins a transaction. It holds the turn until disposed.
    /// </summary>
    public async Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        if (_write is not null)
        {
            throw new InvalidOperationException("A write transaction is already open on this context.");
        }

        var file = SqliteGroupCommit.For(this);
        _write = file is null
            ? new WriteTransaction(this, await Database.BeginTransactionAsync(cancellationToken))
            : new WriteTransaction(this, await file.BeginAsync(this, cancellationToken));
        _savedInWrite = false;
        return _write;
    }

    /// <summary>
    /// Runs a set-based statement (ExecuteUpdate, ExecuteDelete) as a write of its own. On SQLite that is a write of the
    /// file's group commit: a statement on the context's own connection would wait for SQLite's lock behind a batch.
    /// </summary>
    public async Task<int> ExecuteWriteAsync(Func<CancellationToken, Task<int>> statement, CancellationToken cancellationToken)
    {
        await using var write = await BeginWriteAsync(cancellationToken);
        var changed = await statement(cancellationToken);
        await write.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>
    /// Commits a write. When it saved the change of an audited call, the call's record is sealed onto the chain in the
    /// same transaction first, after the change's own rows, so the chain's lock is held only for the head read, the insert
    /// and the commit. It returns once the change is durable (on SQLite: once its batch has committed).
    /// </summary>
    internal async Task CommitWriteAsync(WriteTransaction write, CancellationToken cancellationToken)
    {
        if (_newEvents.Count > 0)
        {
            await InsertNewEventsAsync(cancellationToken);
            _savedInWrite = true;
        }

        var call = _savedInWrite && AuditCall.Current is { } current && current.RecordsChangeIn(this) ? current : null;
        if (call is not null)
        {
            try
            {
                await AuditChain.AppendAsync(this, call.Entries(nameof(Grpc.Core.StatusCode.OK)), call.Keys, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The change rolls back with its record: the caller learns that nothing happened and may retry.
                throw new AuditUnavailableException(ex);
            }
        }

        await write.CommitTransactionAsync(cancellationToken);
        call?.ChangeCommitted();
    }

    /// <summary>
    /// Records a client-retryable create's answer (<see cref="Idempotency"/>) in the open write, without the change tracker.
    /// </summary>
    internal async Task InsertProcessedRequestAsync(ProcessedRequest request, CancellationToken cancellationToken)
    {
        await RowInserter<ProcessedRequest>.InsertAsync(this, [request], cancellationToken);
        _savedInWrite = true;
    }

    /// <summary>
    /// Runs <paramref name="save"/> as one unit of the open write, or as a write of its own when none is open: when it
    /// fails, nothing it wrote stays behind (the open write rolls back to a savepoint taken before it, and EF's own
    /// savepoint per SaveChanges is left out inside it, its work being done by this one).
    /// </summary>
    internal async Task SaveAsUnitAsync(Func<Task> save, CancellationToken cancellationToken)
    {
        var autoSavepoints = Database.AutoSavepointsEnabled;
        Database.AutoSavepointsEnabled = false;
        try
        {
            if (_write is null)
            {
                // A failure rolls the whole write back.
                await using var write = await BeginWriteAsync(cancellationToken);
                await save();
                await write.CommitAsync(cancellationToken);
                return;
            }

            const string Unit = "unit";
            var transaction = Database.CurrentTransaction ?? throw new InvalidOperationException("A write has a transaction.");
            var savedBefore = _savedInWrite;
            await transaction.CreateSavepointAsync(Unit, cancellationToken);
            try
            {
                await save();
                await transaction.ReleaseSavepointAsync(Unit, cancellationToken);
            }
            catch
            {
                try
                {
                    await transaction.RollbackToSavepointAsync(Unit, CancellationToken.None);
                    await transaction.ReleaseSavepointAsync(Unit, CancellationToken.None);
                }
                catch (System.Data.Common.DbException)
                {
                    // The database ended the transaction itself (an I/O error, a doomed transaction): the write fails with it.
                }

                _savedInWrite = savedBefore;
                throw;
            }
        }
        finally
        {
            Database.AutoSavepointsEnabled = autoSavepoints;
        }
    }

    private async Task InsertNewEventsAsync(CancellationToken cancellationToken)
    {
        await InsertEventsAsync(_newEvents, cancellationToken);
        _newEvents.Clear();
    }

    internal void WriteEnded(WriteTransaction write)
    {
        if (_write == write)
        {
            _write = null;
        }
    }

    // Contexts are pooled: disposing returns this instance to the pool for the next call. EF resets its own state then
    // (its reset hooks are not overridable); this context's state is reset here, so no lease inherits a write (the write
    // itself holds the file's turn until it is disposed).
    /// <inheritdoc />
    public override void Dispose()
    {
        ForgetWrite();
        base.Dispose();
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        ForgetWrite();
        return base.DisposeAsync();
    }

    private void ForgetWrite()
    {
        _write?.Abandon();
        _write = null;
        OutboxRowsInserted = false;
        _newEvents.Clear();
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
    /// On SQLite it writes nothing and returns null: there the write already is the file's only writer (one at a time in
    /// the file's group commit, its batch begun with BEGIN IMMEDIATE), and its reads see every committed change and the
    /// earlier writes of its batch, so the update would lock nothing more; it cost a statement, translated anew each time,
    /// in every such write.
    /// </summary>
    public static async Task<int?> LockAsync<T>(this ServiceDbContext db, IQueryable<T> rows, CancellationToken cancellationToken)
        where T : Domain.VersionedEntity =>
        db.Database.IsSqlite() ? null : await rows.ExecuteUpdateAsync(set => set.SetProperty(e => e.Version, e => e.Version), cancellationToken);
}
