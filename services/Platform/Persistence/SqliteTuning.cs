using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// Sets the SQLite pragmas. WAL is a property of the file, set once per process and file; the sync level belongs to the
/// connection and is set on every open (EF opens a pooled connection per query, so this stays a one-statement cost).
/// Busy waits are Microsoft.Data.Sqlite's own: it retries a locked database until the command timeout.
/// </summary>
internal sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    private static readonly ConcurrentDictionary<string, bool> WalFiles = new();
    private readonly string _synchronous = $"PRAGMA synchronous={synchronous};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private string Pragmas(DbConnection connection) =>
        WalFiles.TryAdd(connection.DataSource, true) ? "PRAGMA journal_mode=WAL; " + _synchronous : _synchronous;
}

/// <summary>
/// SQLite has one writer per file. Letting connections race for the lock costs busy-waits and long tails,
/// so the writes of one process queue at a gate per file instead (DESIGN.md measured half the p99 and twice
/// the throughput). Server databases have no gate.
/// </summary>
public sealed class WriteGates
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    /// <summary>The gate of the context's database, or null when it is not SQLite.</summary>
    public SemaphoreSlim? For(DbContext context) =>
        context.Database.IsSqlite()
            ? _gates.GetOrAdd(context.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1))
            : null;
}

/// <summary>Holds the write gate for the duration of each SaveChanges that runs outside an explicit transaction.</summary>
internal sealed class WriteGateInterceptor(WriteGates gates) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        GateOf(eventData)?.Wait();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (GateOf(eventData) is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Leave(eventData);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Leave(eventData);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Leave(eventData);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Leave(eventData);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData);
        return Task.CompletedTask;
    }

    private void Leave(DbContextEventData eventData) => GateOf(eventData)?.Release();

    // Inside an explicit transaction the gate is already held for the whole transaction (see BeginWriteAsync).
    private SemaphoreSlim? GateOf(DbContextEventData eventData) =>
        eventData.Context is { } context && context.Database.CurrentTransaction is null ? gates.For(context) : null;
}

/// <summary>A transaction that holds the SQLite write gate until it is committed or disposed.</summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly IDbContextTransaction _transaction;
    private readonly SemaphoreSlim? _gate;

    private WriteTransaction(IDbContextTransaction transaction, SemaphoreSlim? gate)
    {
        _transaction = transaction;
        _gate = gate;
    }

    /// <summary>Waits for the gate, then begins a transaction on <paramref name="context"/>.</summary>
    public static async Task<WriteTransaction> BeginAsync(DbContext context, WriteGates gates, CancellationToken cancellationToken)
    {
        var gate = gates.For(context);
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        try
        {
            return new WriteTransaction(await context.Database.BeginTransactionAsync(cancellationToken), gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    /// <summary>Commits the transaction.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    /// <summary>Rolls back unless committed, then opens the gate.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            _gate?.Release();
        }
    }
}
