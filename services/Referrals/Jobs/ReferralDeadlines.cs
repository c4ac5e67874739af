using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Domain;
using ReferralNet.Referrals.Events;

namespace ReferralNet.Referrals.Jobs;

/// <summary>
/// Lets time do its part: expires the referrals nobody received before their acknowledgement deadline and flags the
/// chains that went too long without acceptance, on the injected clock. Each referral or chain is handled in a
/// transaction of its own under its chain's lock, and only if it still qualifies there, so that several replicas on one
/// database (or two scans at once) expire a referral once and raise its event once.
/// </summary>
public sealed class ReferralDeadlines(IServiceScopeFactory scopes, TimeProvider time, IOptions<ReferralsOptions> options, ILogger<ReferralDeadlines> logger) : BackgroundService
{
    /// <summary>One scan at the clock's current time.</summary>
    /// <returns>How many referrals expired and chains were flagged.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        List<(string Id, string ChainId)> overdue;
        List<string> unaccepted;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
            overdue = [.. (await db.Referrals.AsNoTracking()
                .Where(r => r.Status == ReferralStatus.Requested && r.AcknowledgementDueAt <= now)
                .OrderBy(r => r.AcknowledgementDueAt).Take(settings.DeadlineBatchSize)
                .Select(r => new { r.Id, r.ChainId }).ToListAsync(cancellationToken)).Select(r => (r.Id, r.ChainId))];
            // The inbox feed keeps its history for resuming streams only so long.
            var kept = now - settings.InboxRetention;
            await db.ExecuteWriteAsync(token => db.InboxChanges.Where(c => c.At < kept).ExecuteDeleteAsync(token), cancellationToken);
            unaccepted = await db.Chains.AsNoTracking()
                .Where(c => c.NoAcceptanceDueAt <= now).OrderBy(c => c.NoAcceptanceDueAt).Take(settings.DeadlineBatchSize)
                .Select(c => c.Id).ToListAsync(cancellationToken);
        }

        var handled = 0;
        foreach (var (id, chainId) in overdue)
        {
            handled += await UnderChainLockAsync(chainId, async db =>
            {
                var referral = await db.Referrals.SingleAsync(r => r.Id == id, cancellationToken);
                if (!referral.IsOverdue(now))
                {
                    return false;
                }

                referral.Expire(now);
                db.StepTaken(referral, now);
                await db.AssessChainAsync(chainId, settings.PillarToPost, now, cancellationToken);
                return true;
            }, cancellationToken) ? 1 : 0;
        }

        foreach (var chainId in unaccepted)
        {
            handled += await UnderChainLockAsync(chainId, async db =>
            {
                var chain = await db.Chains.SingleAsync(c => c.Id == chainId, cancellationToken);
                if (chain.NoAcceptanceDueAt is not { } due || due > now)
                {
                    return false;
                }

                await db.AssessChainAsync(chainId, settings.PillarToPost, now, cancellationToken);
                return true;
            }, cancellationToken) ? 1 : 0;
        }

        return handled;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DeadlineScanInterval, time);
        do
        {
            try
            {
                // A full batch means more may be waiting: look again at once.
                while (await RunOnceAsync(stoppingToken) >= options.Value.DeadlineBatchSize)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The referral deadline scan failed; it runs again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<bool> UnderChainLockAsync(string chainId, Func<ReferralsDbContext, Task<bool>> change, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.LockAsync(db.Chains.Where(c => c.Id == chainId), cancellationToken);
        if (!await change(db))
        {
            return false;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await write.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another replica took this step first; its event is the one.
            return false;
        }
    }
}
