using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReferralNet.Platform.Persistence;

/// <summary>A write's batch could not commit, so nothing of the write was stored; retrying it is safe.</summary>
public sealed class WriteBatchFailedException(Exception inner)
    : Exception("The write's batch could not be committed; nothing of it was stored.", inner);

/// <summary>
/// Group commit of one SQLite file's writes in this process. SQLite has one writer per file and a transaction belongs to
/// one connection, so the writes run one at a time (the file's turn) on one writer connection, each in a savepoint of a
/// shared transaction: a write that fails rolls back to its savepoint alone and gets its own error. A write that succeeds
/// hands the connection to the next waiting write and is answered when its batch commits, which the write that finds no
/// one waiting (or the batch full) does: under load one BEGIN IMMEDIATE and one COMMIT serve many writes and the writer's
/// page cache stays warm (a connection's cache is dropped whenever another connection commits), and a lone write commits
/// at once. The file belongs to the process, not to a host: two hosts of one process on one file share its turn.
/// </summary>
internal sealed class SqliteGroupCommit
{
    // A batch holds SQLite's write lock until it commits, and its first write waits for the last: bounded, so that neither
    // other processes on the file nor a batch's first caller wait behind an endless stream of writes.
    private const int MaxWrites = 32;

    /// <summary>The meter's name (matched by the host's <c>ReferralNet.*</c>).</summary>
    public const string MeterName = "ReferralNet.Sqlite";

    private static readonly ConcurrentDictionary<string, SqliteGroupCommit> Files = new(StringComparer.Ordinal);

    // Static like the files: the turn belongs to the process, whichever host writes. The busy time's rate is how much of
    // each second the file's one writer is taken, the shape's ceiling on writes (at 1 s/s, writes only queue longer).
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<double> TurnBusy = Meter.CreateCounter<double>(
        "referralnet.sqlite.write_turn.busy", "s", "Time the file's write turn was held (writes run one at a time per file).");
    private static readonly Histogram<double> TurnWait = Meter.CreateHistogram<double>(
        "referralnet.sqlite.write_turn.wait", "s", "How long a write waited for the file's write turn.");
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "referralnet.sqlite.batch.writes", "{write}", "Writes a committed batch held (one COMMIT and one fsync for all of them).");

    private readonly KeyValuePair<string, object?> _file;

    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private bool _held;

    // Touched only by the write that has the turn. The writer connection stays open for the process's life, one per file,
    // so its page cache stays warm. (Closing it whenever the turn fell idle once failed in a test run with SQLite's
    // "unable to delete/modify collation sequence due to active statements" as Microsoft.Data.Sqlite pooled it.)
    private DbConnection? _connection;
    private Batch? _batch;
    private long _turnTakenAt;

    private SqliteGroupCommit(string path) => _file = new("db.file", Path.GetFileName(path));

    /// <summary>The group commit of the context's database file, or null when it is not SQLite.</summary>
    public static SqliteGroupCommit? For(DbContext context) =>
        context.Database.IsSqlite() && context.Database.GetDbConnection() is { } connection
            ? Files.GetOrAdd(Path.GetFullPath(connection.DataSource), path => new SqliteGroupCommit(path))
            : null;

    /// <summary>
    /// Waits for the file's turn, then runs <paramref name="context"/>'s commands on the writer connection in a savepoint
    /// of the open batch until the returned write ends.
    /// </summary>
    public async Task<Write> BeginAsync(DbContext context, CancellationToken cancellationToken)
    {
        var relational = context.GetService<IRelationalConnection>() as KeptOpenSqliteConnection
            ?? throw new InvalidOperationException("SQLite service contexts keep their connection open (KeptOpenSqliteConnection); group commit lends them its writer.");
        await TakeTurnAsync(cancellationToken);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            _connection ??= relational.OpenSibling();
            _batch ??= new Batch((SqliteTransaction)await _connection.BeginTransactionAsync(CancellationToken.None));
            await _batch.Transaction.SaveAsync(Write.Savepoint, CancellationToken.None);
        }
        catch (Exception ex)
        {
            await FailBatchIfBrokenAsync(ex);
            await LeaveAsync();
            throw;
        }

        var write = new Write(this, _batch, relational);
        try
        {
            relational.Lend(_connection);
            await context.Database.UseTransactionAsync(_batch.Transaction, CancellationToken.None);
            return write;
        }
        catch
        {
            await write.RollbackAsync();
            throw;
        }
    }

    private async Task TakeTurnAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                _turnTakenAt = Stopwatch.GetTimestamp();
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast(turn);
        }

        // A waiter cancelled before its turn came leaves the queue; once granted, the turn is its to give back.
        await using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is not null)
                {
                    _waiting.Remove(node);
                    turn.TrySetCanceled(cancellationToken);
                }
            }
        });
        var waitingSince = Stopwatch.GetTimestamp();
        await turn.Task;
        TurnWait.Record(Stopwatch.GetElapsedTime(waitingSince).TotalSeconds, _file);
    }

    // Gives the turn to the next waiting write (which joins the open batch) or, when no one waits or the batch is full,
    // commits the batch first. Whoever leaves either hands the batch on or ends it, so no batch is left uncommitted.
    private async Task LeaveAsync()
    {
        Batch full;
        lock (_lock)
        {
            if (_batch is not { } open || (_waiting.Count > 0 && open.Writes < MaxWrites))
            {
                GiveTurnOn();
                return;
            }

            full = open;
            _batch = null;
        }

        await full.EndAsync(_file);
        lock (_lock)
        {
            GiveTurnOn();
        }
    }

    // Under the lock. The turn counts as held from its grant: until the next write runs, no other can.
    private void GiveTurnOn()
    {
        var now = Stopwatch.GetTimestamp();
        TurnBusy.Add(Stopwatch.GetElapsedTime(_turnTakenAt, now).TotalSeconds, _file);
        while (_waiting.First is { } next)
        {
            _waiting.RemoveFirst();
            if (next.Value.TrySetResult())
            {
                _turnTakenAt = now;
                return;
            }
        }

        _held = false;
    }

    // Some errors end SQLite's transaction by themselves (a full disk, an I/O error, an interrupt): then the batch is gone
    // with every write it held, and those writes' callers are told so instead of a success.
    private Task FailBatchIfBrokenAsync(Exception error) =>
        _batch is { } batch && !InTransaction ? FailBatchAsync(batch, error) : Task.CompletedTask;

    private bool InTransaction => _connection is SqliteConnection { Handle: { } handle } && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0;

    private async Task FailBatchAsync(Batch batch, Exception error)
    {
        if (_batch == batch)
        {
            _batch = null;
            await batch.FailAsync(error);
        }
    }

    /// <summary>One write's part of a batch: its savepoint, and the connection lent to its context.</summary>
    public sealed class Write
    {
        internal const string Savepoint = "write";

        private readonly SqliteGroupCommit _file;
        private readonly Batch _batch;
        private KeptOpenSqliteConnection? _lentTo;
        private bool _ended;

        internal Write(SqliteGroupCommit file, Batch batch, KeptOpenSqliteConnection lentTo)
        {
            _file = file;
            _batch = batch;
            _lentTo = lentTo;
        }

        /// <summary>The batch's transaction, for the commit's interceptors.</summary>
        public DbTransaction Transaction => _batch.Transaction;

        /// <summary>
        /// Keeps the write: releases its savepoint into the batch, gives the turn on and waits until the batch has committed.
        /// The wait is not cancellable: once in the batch, the write commits or fails with it, and its caller learns which.
        /// </summary>
        public async Task CommitAsync()
        {
            await EndAsync(keep: true);
            await _batch.Durable;
        }

        /// <summary>Gives the context its own connection back (it returns to its pool while the write still holds the turn).</summary>
        public void ReturnConnection()
        {
            _lentTo?.Return();
            _lentTo = null;
        }

        /// <summary>Rolls the write back to its savepoint unless it was kept, and gives the turn on.</summary>
        public Task RollbackAsync() => EndAsync(keep: false);

        private async Task EndAsync(bool keep)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            ReturnConnection();
            try
            {
                if (keep)
                {
                    await _batch.Transaction.ReleaseAsync(Savepoint, CancellationToken.None);
                    _batch.Writes++;
                }
                else if (!_file.InTransaction)
                {
                    await _file.FailBatchAsync(_batch, new InvalidOperationException("SQLite ended the batch's transaction in a write that failed."));
                }
                else if (_file._batch == _batch)
                {
                    await _batch.Transaction.RollbackAsync(Savepoint, CancellationToken.None);
                    await _batch.Transaction.ReleaseAsync(Savepoint, CancellationToken.None);
                }
            }
            catch (Exception ex)
            {
                // What of this write stays in the transaction is unknown: the batch fails rather than commit part of it.
                await _file.FailBatchAsync(_batch, ex);
                if (keep)
                {
                    throw;
                }
            }
            finally
            {
                await _file.LeaveAsync();
            }
        }
    }

    /// <summary>The transaction that concurrent writes share, and the callers waiting for its commit.</summary>
    internal sealed class Batch(SqliteTransaction transaction)
    {
        private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SqliteTransaction Transaction => transaction;

        /// <summary>The writes kept in the batch so far.</summary>
        public int Writes { get; set; }

        /// <summary>Completes when the batch has committed; fails when it could not.</summary>
        public Task Durable => _durable.Task;

        /// <summary>Commits what the batch holds (a batch whose writes all failed has nothing to commit).</summary>
        public async Task EndAsync(KeyValuePair<string, object?> file)
        {
            try
            {
                if (Writes > 0)
                {
                    await transaction.CommitAsync(CancellationToken.None);
                    BatchSize.Record(Writes, file);
                }
                else
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                }
            }
            catch (Exception ex)
            {
                await FailAsync(ex);
                return;
            }

            _durable.TrySetResult();
            await transaction.DisposeAsync();
        }

        public async Task FailAsync(Exception error)
        {
            _durable.TrySetException(new WriteBatchFailedException(error));
            try
            {
                await transaction.DisposeAsync();
            }
            catch (SqliteException)
            {
                // SQLite had already rolled it back; the writer connection starts the next batch afresh.
            }
        }
    }
}
