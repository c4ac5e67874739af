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
    /// <summary>The sync levels SQLite knows; the setting goes into a pragma, so nothing else is let through.</summary>
    public static readonly IReadOnlySet<string> SyncLevels = new HashSet<string>(["OFF", "NORMAL", "FULL", "EXTRA"], StringComparer.OrdinalIgnoreCase);

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
    // The context's own connection while a write has the file's writer connection (Lend, Return).
    private DbConnection? _own;
    private bool _swapping;

    /// <summary>Makes the contexts built with <paramref name="builder"/> keep their SQLite connection open.</summary>
    public static void Use(DbContextOptionsBuilder builder) =>
        builder.ReplaceService<ISqliteRelationalConnection, KeptOpenSqliteConnection>();

    /// <summary>
    /// A new connection to this context's file, opened the way EF opens the context's own (EF's SQL functions, the
    /// connection interceptors' pragmas); the caller owns it.
    /// </summary>
    public DbConnection OpenSibling()
    {
        var own = DbConnection;
        var sibling = CreateDbConnection();
        Swap(sibling, owned: false);
        try
        {
            Open();
            Close();
        }
        catch
        {
            sibling.Dispose();
            throw;
        }
        finally
        {
            Swap(own, owned: true);
        }

        return sibling;
    }

    /// <summary>Runs the context's commands on <paramref name="writer"/> (a write of a group commit) until <see cref="Return"/>.</summary>
    public void Lend(DbConnection writer)
    {
        var own = DbConnection;
        Swap(writer, owned: false);
        _own = own;
    }

    /// <summary>Gives the context its own connection back; a no-op when nothing is lent.</summary>
    public void Return()
    {
        if (_own is { } own)
        {
            _own = null;
            Swap(own, owned: true);
        }
    }

    /// <summary>Tells the transaction interceptors (the outbox's wake-up) that a transaction of this context committed.</summary>
    public Task CommittedAsync(DbTransaction transaction, DateTimeOffset startTime, TimeSpan duration) =>
        Dependencies.TransactionLogger.TransactionCommittedAsync(this, transaction, Guid.NewGuid(), startTime, duration);

    // EF then sees an open connection on its next use, opens nothing and never closes it; disposing the context
    // (when the pool lets it go) disposes the connection.
    protected override void CloseDbConnection()
    {
    }

    protected override Task CloseDbConnectionAsync() => Task.CompletedTask;

    // Swapping resets EF's connection state, which disposes the connection it owns: not the one set aside.
    protected override void DisposeDbConnection()
    {
        if (!_swapping)
        {
            base.DisposeDbConnection();
        }
    }

    protected override ValueTask DisposeDbConnectionAsync() => _swapping ? ValueTask.CompletedTask : base.DisposeDbConnectionAsync();

    // SetDbConnection disposes EF's state too (Swap): only a real dispose gives the context its own connection back first.
    public override void Dispose()
    {
        if (!_swapping)
        {
            Return();
        }

        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        if (!_swapping)
        {
            Return();
        }

        return base.DisposeAsync();
    }

    private void Swap(DbConnection connection, bool owned)
    {
        _swapping = true;
        try
        {
            SetDbConnection(connection, owned);
        }
        finally
        {
            _swapping = false;
        }
    }
}
#pragma warning restore EF1001
