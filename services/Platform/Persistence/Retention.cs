using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// Deletes platform rows whose job is done, once an hour: published outbox rows after a week, idempotency records
/// after a week (a client retries within minutes), inbox rows after 30 days (far beyond any redelivery).
/// Dead-lettered events are kept until an operator has dealt with them: they are the only trace of a change that no
/// subscriber has seen. The audit trail is never deleted by the application (NEN 7513 keeps it at least five years).
/// </summary>
public sealed class Retention<TContext>(IServiceProvider services, TimeProvider time, ILogger<Retention<TContext>> logger) : BackgroundService
    where TContext : ServiceDbContext
{
    /// <summary>How long published events stay in the outbox.</summary>
    public static readonly TimeSpan PublishedEvents = TimeSpan.FromDays(7);

    /// <summary>How long a client request id answers a retry.</summary>
    public static readonly TimeSpan RequestIds = TimeSpan.FromDays(7);

    /// <summary>How long a handled event id is remembered.</summary>
    public static readonly TimeSpan HandledEvents = TimeSpan.FromDays(30);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Retention of {Context} failed; trying again in an hour", typeof(TContext).Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes what has outlived its window.</summary>
    public async Task PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = time.GetUtcNow();
        var published = now - PublishedEvents;
        var requests = now - RequestIds;
        var handled = now - HandledEvents;
        // Only published rows: a dead-lettered row has no PublishedAt, whatever its age.
        await db.ExecuteWriteAsync(token => db.Outbox.Where(m => m.PublishedAt != null && m.PublishedAt < published).ExecuteDeleteAsync(token), cancellationToken);
        await db.ExecuteWriteAsync(token => db.ProcessedRequests.Where(r => r.CreatedAt < requests).ExecuteDeleteAsync(token), cancellationToken);
        await db.ExecuteWriteAsync(token => db.Inbox.Where(i => i.HandledAt < handled).ExecuteDeleteAsync(token), cancellationToken);
    }
}
