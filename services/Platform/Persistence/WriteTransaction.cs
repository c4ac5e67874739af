using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// A write: on SQLite one write of a group commit (<see cref="SqliteGroupCommit"/>), holding the file's turn until it is
/// disposed; on a server database a transaction of its own. The SaveChanges calls inside it take no turn again. Begin it
/// with <see cref="ServiceDbContext.BeginWriteAsync"/>; its commit returns once the change is durable.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly ServiceDbContext _context;
    private readonly IDbContextTransaction? _transaction;
    private readonly SqliteGroupCommit.Write? _batched;

    internal WriteTransaction(ServiceDbContext context, IDbContextTransaction transaction)
    {
        _context = context;
        _transaction = transaction;
    }

    internal WriteTransaction(ServiceDbContext context, SqliteGroupCommit.Write batched)
    {
        _context = context;
        _batched = batched;
    }

    /// <summary>Commits the write, with the audit record of the change it holds when it runs in an audited call.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) => _context.CommitWriteAsync(this, cancellationToken);

    /// <summary>Rolls back unless committed, then gives the turn on.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_batched is not null)
            {
                await _batched.RollbackAsync();
            }
            else
            {
                await _transaction!.DisposeAsync();
            }
        }
        finally
        {
            _context.WriteEnded(this);
        }
    }

    // Commits (a server transaction) or keeps the write in its batch and waits for the batch's commit (SQLite).
    internal async Task CommitTransactionAsync(CancellationToken cancellationToken)
    {
        if (_batched is null)
        {
            await _transaction!.CommitAsync(cancellationToken);
            return;
        }

        var started = DateTimeOffset.UtcNow;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var relational = (KeptOpenSqliteConnection)_context.GetService<IRelationalConnection>();
        await _batched.CommitAsync();

        // The batch committed outside EF's transaction API: its transaction interceptors (the outbox's wake-up) hear it here.
        await relational.CommittedAsync(_batched.Transaction, started, stopwatch.Elapsed);
    }

    // The context goes back to its pool with the write still open: it must not take the writer connection with it.
    internal void Abandon() => _batched?.ReturnConnection();
}
