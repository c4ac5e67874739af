using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// Publishes a service's committed outbox rows; any number of replicas may run it against one database.
/// <para>
/// <b>Claims are leases.</b> A round reads the due rows that nobody holds (or whose lease ran out), claims them with one
/// UPDATE (EF Core's ExecuteUpdate, the same on SQLite, SQL Server and PostgreSQL) that sets its owner and lease expiry,
/// then reads back the rows it owns. The UPDATE repeats the "due and free" condition on the rows it changes, so when two dispatchers
/// pick the same candidates the database's row locks let one take each row: the other re-reads it after the winner's
/// commit (PostgreSQL re-checks the condition on the new row version, SQL Server holds update locks while it reads,
/// SQLite has one writer) and passes it by. Holding rows by lease rather than by an open transaction with
/// <c>FOR UPDATE SKIP LOCKED</c> keeps no transaction open while the bus works (on SQLite that transaction would stall
/// every write of the process), needs no provider-specific SQL, and still hands a dead dispatcher's rows on: when its
/// lease expires another dispatcher takes them. The price: a dispatcher that loses a race waits for the winner's short
/// UPDATE instead of skipping ahead, and may come away empty until its next wake-up while the winner drains the rows.
/// </para>
/// <para>
/// <b>Order.</b> Rows carry a database-generated <see cref="OutboxMessage.Position"/>, and a claim takes only the head of
/// each aggregate: a row with no earlier unfinished row of the same aggregate. So whichever dispatcher holds them, a
/// later event of an aggregate is never published before or alongside an earlier one; different aggregates go in
/// parallel, and a busy aggregate advances one event per round (rounds follow each other at once while work remains).
/// Positions follow commit order per aggregate: SQLite has one writer, and on a server two transactions that raise
/// events of one aggregate both change its row under its version check, so the second can only commit if it read that
/// row after the first committed, and its positions, drawn after that read, are later.
/// </para>
/// <para>
/// <b>Failures.</b> Every claim counts as an attempt, so a row whose publish kills its host runs out too. A failed row
/// backs off (doubling, at most five minutes) and holds back the later rows of its aggregate: subscribers keep the newest
/// version, so publishing past it would turn its eventual delivery into a lost change. After
/// <see cref="OutboxOptions.MaxAttempts"/> it is dead-lettered with its last error, logged once at Error, never retried
/// automatically, and no longer holds its aggregate back (one poisoned event must not stop an aggregate for good).
/// A dispatcher starts no publish it could not finish inside its lease, records outcomes only for rows it still owns,
/// and hands back the rows it did not try; delivery stays at least once and subscribers deduplicate on the event id.
/// </para>
/// </summary>
public sealed class OutboxDispatcher<TContext>(
    IServiceProvider services,
    IEventBus bus,
    OutboxSignals signals,
    OutboxMetrics metrics,
    IOptions<OutboxOptions> configuredOptions,
    TimeProvider time,
    ILogger<OutboxDispatcher<TContext>> logger,
    string service) : BackgroundService
    where TContext : ServiceDbContext
{
    private static readonly TimeSpan BacklogReportInterval = TimeSpan.FromSeconds(1);
    private readonly OutboxOptions _options = configuredOptions.Value;
    private DateTimeOffset _lastBacklogReport = DateTimeOffset.MinValue;

    // A short in-process retry absorbs blips; longer outages back off per row in the table.
    private readonly ResiliencePipeline _publish = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = OutboxOptions.PublishRetries,
            Delay = OutboxOptions.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
        })
        .AddTimeout(configuredOptions.Value.PublishTimeout)
        .Build();

    /// <summary>This dispatcher's name on the rows it leases: host, process and instance.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SemaphoreSlim signal;
        await using (var scope = services.CreateAsyncScope())
        {
            // Keyed by the provider-specific context type the interceptor sees.
            signal = signals.For(scope.ServiceProvider.GetRequiredService<TContext>().GetType());
        }

        logger.LogInformation("Outbox dispatcher {Owner} of {Service} started", Owner, service);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchBatchAsync(stoppingToken) > 0)
                {
                    continue;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Outbox dispatch of {Service} failed; retrying", service);
            }

            if (!await WaitForWorkAsync(signal, stoppingToken))
            {
                return;
            }
        }
    }

    /// <summary>Claims one batch, publishes it and records the outcomes; returns how many rows it claimed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var claimed = await ClaimAsync(db, cancellationToken);
        if (claimed.Count > 0)
        {
            await PublishAsync(db, claimed, cancellationToken);
        }

        await ReportBacklogAsync(db, busy: claimed.Count > 0, cancellationToken);
        return claimed.Count;
    }

    // The heads are found by a read, outside the write: a round that finds nothing due (the last of every drain, and every
    // round of a replica that lost the race) writes nothing, and a claim holds the write only for an UPDATE by position.
    // A row found as a head stays one until it is finished (an earlier row of its aggregate cannot commit after it), and
    // the UPDATE repeats the "due and free" condition, so rows another dispatcher took meanwhile are passed by. A row
    // committed after the read has woken this dispatcher again (the wake-up follows the commit) and is found next round.
    private async Task<List<OutboxMessage>> ClaimAsync(TContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var heads = await Due(db, now)
            .Where(m => !db.Outbox.Any(earlier => earlier.Aggregate == m.Aggregate && earlier.Position < m.Position
                && earlier.PublishedAt == null && earlier.DeadLetteredAt == null))
            .OrderBy(m => m.Position)
            .Take(_options.BatchSize)
            .Select(m => m.Position)
            .ToListAsync(cancellationToken);
        if (heads.Count == 0)
        {
            return [];
        }

        var leaseEnd = now + _options.LeaseDuration;
        var claimed = await db.ExecuteWriteAsync(token => Due(db, now).Where(m => heads.Contains(m.Position)).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.LeaseOwner, Owner)
                .SetProperty(m => m.LeaseExpiresAt, leaseEnd)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1),
            token), cancellationToken);
        return claimed == 0 ? [] : await Owned(db).AsNoTracking().OrderBy(m => m.Position).ToListAsync(cancellationToken);
    }

    // A claim holds only the head of each aggregate, so its rows are independent of each other: they are published
    // together, and the subscribers' writes share commits instead of waiting for one commit each.
    private async Task PublishAsync(TContext db, List<OutboxMessage> claimed, CancellationToken cancellationToken)
    {
        var published = new List<long>();
        var tried = new HashSet<long>();
        try
        {
            var startable = claimed.Where(m => !cancellationToken.IsCancellationRequested && time.GetUtcNow() + _options.PublishBudget < m.LeaseExpiresAt).ToList();
            foreach (var abandoned in startable.Where(m => m.Attempts > _options.MaxAttempts))
            {
                // Its earlier claims ended without an outcome: their dispatchers died or hung past their leases.
                await FailAsync(db, abandoned, abandoned.LastError ?? "Abandoned: every attempt's dispatcher stopped before an outcome.", null);
                tried.Add(abandoned.Position);
            }

            var outcomes = await Task.WhenAll(startable.Where(m => m.Attempts <= _options.MaxAttempts).Select(m => TryPublishAsync(m, cancellationToken)));
            foreach (var (message, error) in outcomes)
            {
                if (error is null)
                {
                    published.Add(message.Position);
                    tried.Add(message.Position);
                }
                else if (!cancellationToken.IsCancellationRequested)
                {
                    await FailAsync(db, message, $"{error.GetType().Name}: {error.Message}", error);
                    tried.Add(message.Position);
                }

                // A publish cut short by the host stopping has no outcome: the row is handed back with the untried.
            }
        }
        finally
        {
            // Outcomes are recorded even when the host is stopping, or a publish the bus took would go out again.
            await SettleAsync(db, published, claimed.Select(m => m.Position).Where(p => !tried.Contains(p)).ToList());
        }
    }

    private async Task<(OutboxMessage Message, Exception? Error)> TryPublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _publish.ExecuteAsync(async token => await bus.PublishAsync(message.ToIntegrationEvent(), token), cancellationToken);
            return (message, null);
        }
        catch (Exception ex)
        {
            return (message, ex);
        }
    }

    private async Task FailAsync(TContext db, OutboxMessage message, string error, Exception? exception)
    {
        var now = time.GetUtcNow();
        var lastError = error.Length > 1000 ? error[..1000] : error;
        var owned = Owned(db).Where(m => m.Position == message.Position);
        if (message.Attempts >= _options.MaxAttempts)
        {
            var deadLettered = await db.ExecuteWriteAsync(token => owned.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.DeadLetteredAt, now)
                    .SetProperty(m => m.LastError, lastError)
                    .SetProperty(m => m.LeaseOwner, (string?)null)
                    .SetProperty(m => m.LeaseExpiresAt, (DateTimeOffset?)null),
                token), CancellationToken.None);
            if (deadLettered > 0)
            {
                metrics.DeadLettered(service);
                logger.LogError(
                    exception,
                    "Event {EventId} ({EventType}) of {Service} is dead-lettered after {Attempts} attempts and will not be retried: {LastError}",
                    message.Id, message.EventType, service, message.Attempts, lastError);
            }

            return;
        }

        await db.ExecuteWriteAsync(token => owned.ExecuteUpdateAsync(
            s => s.SetProperty(m => m.NextAttemptAt, now + Backoff(message.Attempts))
                .SetProperty(m => m.LastError, lastError)
                .SetProperty(m => m.LeaseOwner, (string?)null)
                .SetProperty(m => m.LeaseExpiresAt, (DateTimeOffset?)null),
            token), CancellationToken.None);
        logger.LogWarning(exception, "Publishing event {EventId} ({EventType}) of {Service} failed, attempt {Attempts} of {MaxAttempts}",
            message.Id, message.EventType, service, message.Attempts, _options.MaxAttempts);
    }

    private async Task SettleAsync(TContext db, List<long> published, List<long> untried)
    {
        if (published.Count > 0)
        {
            var now = time.GetUtcNow();
            await db.ExecuteWriteAsync(token => Owned(db).Where(m => published.Contains(m.Position)).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.PublishedAt, now)
                    .SetProperty(m => m.LeaseOwner, (string?)null)
                    .SetProperty(m => m.LeaseExpiresAt, (DateTimeOffset?)null),
                token), CancellationToken.None);
            metrics.Published(service, published.Count);
        }

        if (untried.Count > 0)
        {
            // Handed back as they were: a claim that never reached the bus is no attempt.
            await db.ExecuteWriteAsync(token => Owned(db).Where(m => untried.Contains(m.Position)).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Attempts, m => m.Attempts - 1)
                    .SetProperty(m => m.LeaseOwner, (string?)null)
                    .SetProperty(m => m.LeaseExpiresAt, (DateTimeOffset?)null),
                token), CancellationToken.None);
        }
    }

    // The gauges read this report. While rows flow it is refreshed at most once a second; the empty round that ends
    // every drain refreshes it at once.
    private async Task ReportBacklogAsync(TContext db, bool busy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (busy && now - _lastBacklogReport < BacklogReportInterval)
        {
            return;
        }

        _lastBacklogReport = now;
        var backlog = await db.Outbox
            .Where(m => m.PublishedAt == null && m.DeadLetteredAt == null)
            .GroupBy(_ => 1)
            .Select(g => new { Pending = g.LongCount(), Oldest = g.Min(m => m.OccurredAt) })
            .SingleOrDefaultAsync(cancellationToken);
        metrics.Report(service, backlog?.Pending ?? 0, backlog?.Oldest);
    }

    // Unfinished, not backing off, and held by nobody (or by a dispatcher whose lease ran out).
    private static IQueryable<OutboxMessage> Due(TContext db, DateTimeOffset now) => db.Outbox.Where(m =>
        m.PublishedAt == null && m.DeadLetteredAt == null && m.NextAttemptAt <= now && (m.LeaseExpiresAt == null || m.LeaseExpiresAt <= now));

    // Outcomes are written only where this dispatcher still holds the lease: a row taken over is the new owner's.
    private IQueryable<OutboxMessage> Owned(TContext db) =>
        db.Outbox.Where(m => m.LeaseOwner == Owner && m.PublishedAt == null && m.DeadLetteredAt == null);

    // Sleeps until a commit of this process announces rows, or the poll interval on the injected clock has passed.
    private async Task<bool> WaitForWorkAsync(SemaphoreSlim signal, CancellationToken stoppingToken)
    {
        using var poll = new CancellationTokenSource(_options.PollInterval, time);
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, stoppingToken);
        try
        {
            await signal.WaitAsync(wake.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    private static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(attempts, 9))));
}
