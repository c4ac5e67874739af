using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// Sets the SQLite pragmas. WAL is a property of the file, set once per process and file; the sync level belongs to the
/// connection and is set once per physical connection (Microsoft.Data.Sqlite pools them, and a pooled context keeps one
/// open, so setting it on every open would add a statement to every lease).
/// Busy waits are Microsoft.Data.Sqlite's own: it retries a locked database until the command timeout.
/// </summary>
internal sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    private const int ReadOnly = 8;
    private static readonly ConcurrentDictionary<string, bool> WalFiles = new();

    // Keyed by the native connection a pooled SqliteConnection wraps: an entry lives as long as that connection.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Tuned = new();
    private static readonly object Done = new();
    private readonly string _synchronous = $"PRAGMA synchronous={synchronous};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        ConnectionOpenedAsync(connection, eventData).GetAwaiter().GetResult();

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!WalFiles.ContainsKey(connection.DataSource))
        {
            try
            {
                await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
                WalFiles.TryAdd(connection.DataSource, true);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == ReadOnly)
            {
                // EF's existence check opens a new, empty file read-only; the first writable connection sets WAL.
            }
        }

        var handle = (connection as Microsoft.Data.Sqlite.SqliteConnection)?.Handle;
        if (handle is null || !Tuned.TryGetValue(handle, out _))
        {
            await ExecuteAsync(connection, _synchronous, cancellationToken);
            if (handle is not null)
            {
                Tuned.TryAdd(handle, Done);
            }
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string pragma, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// A pooled context's SQLite connection, opened on its first use and kept open until the context leaves the pool.
/// EF opens and closes the connection around every query and again when a lease ends; each open of a
/// Microsoft.Data.Sqlite connection registers EF's SQL functions and each close removes them, which was more than
/// half of a compiled read's cost. Transactions still end with each lease (EF disposes them when it resets the context).
/// </summary>
/// <remarks>
/// Derives from EF's provider-internal connection type (hence EF1001): its open and close hooks are the documented
/// extension points of <see cref="RelationalConnection"/>; a change of its constructor upstream fails the build.
/// </remarks>
#pragma warning disable EF1001
internal sealed class KeptOpenSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    /// <summary>Makes the contexts built with <paramref name="builder"/> keep their SQLite connection open.</summary>
    public static void Use(DbContextOptionsBuilder builder) =>
        builder.ReplaceService<ISqliteRelationalConnection, KeptOpenSqliteConnection>();

    // EF then sees an open connection on its next use, opens nothing and never closes it; disposing the context
    // (when the pool lets it go) disposes the connection.
    protected override void CloseDbConnection()
    {
    }

    protected override Task CloseDbConnectionAsync() => Task.CompletedTask;
}
#pragma warning restore EF1001

/// <summary>
/// SQLite has one writer per file. Letting connections race for the lock costs busy-waits and long tails,
/// so the writes of one process queue at a gate per file instead (DESIGN.md measured half the p99 and twice
/// the throughput). Server databases have no gate. The gate belongs to the file, not to a host: two hosts of
/// one process on one file share it, as they share the file's lock.
/// </summary>
internal static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>The gate of the context's database file, or null when it is not SQLite.</summary>
    public static SemaphoreSlim? For(DbContext context) =>
        context.Database.IsSqlite() && context.Database.GetDbConnection() is { } connection
            ? Gates.GetOrAdd(Path.GetFullPath(connection.DataSource), _ => new SemaphoreSlim(1, 1))
            : null;
}

/// <summary>
/// An explicit transaction that holds the SQLite write gate until it is disposed, so the SaveChanges calls inside it
/// do not take the gate again. Begin it with <see cref="ServiceDbContext.BeginWriteAsync"/>.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly ServiceDbContext _context;
    private readonly IDbContextTransaction _transaction;
    private readonly SemaphoreSlim? _gate;

    internal WriteTransaction(ServiceDbContext context, IDbContextTransaction transaction, SemaphoreSlim? gate)
    {
        _context = context;
        _transaction = transaction;
        _gate = gate;
    }

    /// <summary>Commits the transaction, with the audit record of the change it holds when it runs in an audited call.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) => _context.CommitWriteAsync(_transaction, cancellationToken);

    /// <summary>Rolls back unless committed, then opens the gate.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            _context.WriteEnded();
            _gate?.Release();
        }
    }
}
