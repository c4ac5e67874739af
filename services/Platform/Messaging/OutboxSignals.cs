using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Messaging;

/// <summary>Wakes a service's dispatcher as soon as a transaction with outbox rows commits.</summary>
public sealed class OutboxSignals
{
    private readonly ConcurrentDictionary<Type, SemaphoreSlim> _signals = new();

    /// <summary>The signal of one DbContext type.</summary>
    public SemaphoreSlim For(Type contextType) => _signals.GetOrAdd(contextType, _ => new SemaphoreSlim(0, 1));

    /// <summary>Wakes the dispatcher of <paramref name="contextType"/> (a no-op when it is already awake).</summary>
    public void Notify(Type contextType)
    {
        var signal = For(contextType);
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit woke it first.
            }
        }
    }
}

/// <summary>
/// Notifies <see cref="OutboxSignals"/> once outbox rows are committed, never before: a dispatcher woken earlier would
/// find nothing to claim and sleep until its next poll. A SaveChanges outside an explicit transaction has committed
/// when it returns; inside one, the rows commit with the transaction.
/// </summary>
internal sealed class OutboxSignalInterceptor(OutboxSignals signals) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NotifyUnlessInTransaction(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NotifyUnlessInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => NotifyIfOutboxRows(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        NotifyIfOutboxRows(eventData.Context);
        return Task.CompletedTask;
    }

    private void NotifyUnlessInTransaction(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            NotifyIfOutboxRows(context);
        }
    }

    // Rows just saved are tracked unpublished (a spurious wake-up costs the dispatcher one read). Tracked rows are found without
    // detecting changes: this runs after every save and every commit, and an added row is tracked without detection.
    private void NotifyIfOutboxRows(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // Rows inserted without the tracker (ServiceDbContext.InsertEventsAsync) leave a mark instead.
        if (context is ServiceDbContext { OutboxRowsInserted: true } inserted)
        {
            inserted.OutboxRowsInserted = false;
            signals.Notify(context.GetType());
            return;
        }

        var tracker = context.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            if (tracker.Entries<OutboxMessage>().Any(e => e.Entity.PublishedAt == null))
            {
                signals.Notify(context.GetType());
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }
}
