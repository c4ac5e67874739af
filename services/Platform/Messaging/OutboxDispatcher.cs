using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Polly;
using Polly.Retry;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// Publishes a service's committed outbox rows, oldest first. A row that fails backs off (doubling, at most
/// five minutes) and is retried until the bus takes it; nothing is marked published that was not.
/// </summary>
public sealed class OutboxDispatcher<TContext>(
    IServiceProvider services,
    IEventBus bus,
    OutboxSignals signals,
    TimeProvider time,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : ServiceDbContext
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    // A short in-process retry absorbs blips; longer outages back off per row in the table.
    private readonly ResiliencePipeline _publish = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(100), BackoffType = DelayBackoffType.Exponential })
        .AddTimeout(TimeSpan.FromSeconds(10))
        .Build();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SemaphoreSlim signal;
        await using (var scope = services.CreateAsyncScope())
        {
            // Keyed by the provider-specific context type the interceptor sees.
            signal = signals.For(scope.ServiceProvider.GetRequiredService<TContext>().GetType());
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchBatchAsync(stoppingToken) == BatchSize)
                {
                    continue;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Outbox dispatch of {Context} failed; retrying", typeof(TContext).Name);
            }

            try
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes the due rows of one batch; returns how many rows it looked at.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = time.GetUtcNow();
        var due = await db.Outbox
            .Where(m => m.PublishedAt == null && m.NextAttemptAt <= now)
            .OrderBy(m => m.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        foreach (var message in due)
        {
            try
            {
                await _publish.ExecuteAsync(async token => await bus.PublishAsync(message.ToIntegrationEvent(), token), cancellationToken);
                message.PublishedAt = time.GetUtcNow();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                message.Attempts++;
                message.NextAttemptAt = time.GetUtcNow() + Backoff(message.Attempts);
                var error = $"{ex.GetType().Name}: {ex.Message}";
                message.LastError = error.Length > 1000 ? error[..1000] : error;
                logger.LogWarning(ex, "Publishing event {EventId} ({EventType}) failed, attempt {Attempts}", message.Id, message.EventType, message.Attempts);
            }
        }

        if (due.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return due.Count;
    }

    private static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(attempts, 9))));
}

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

/// <summary>Notifies <see cref="OutboxSignals"/> after a SaveChanges that wrote outbox rows.</summary>
internal sealed class OutboxSignalInterceptor(OutboxSignals signals) : SaveChangesInterceptor
{
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        // Rows just inserted are tracked unpublished; a spurious wake-up costs one empty query.
        if (eventData.Context is { } context
            && context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.Entity.PublishedAt == null))
        {
            signals.Notify(context.GetType());
        }

        return ValueTask.FromResult(result);
    }
}
