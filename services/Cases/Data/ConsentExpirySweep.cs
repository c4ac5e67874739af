using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralNet.Cases.Domain;

namespace ReferralNet.Cases.Data;

/// <summary>
/// Gives a consent's expiry the effect its revocation has on the care team: every interval (on the injected clock) it
/// ends the involvements of the organizations that the consents whose end time passed since the last sweep covered and
/// no other consent covers, and writes the expiry on the timeline. The consent itself grants nothing from its end time
/// on (every read checks it); this only keeps the care team from listing an organization that may no longer see anything.
/// </summary>
public sealed class ConsentExpirySweep(IServiceProvider services, TimeProvider time, IOptions<CasesOptions> options, ILogger<ConsentExpirySweep> logger) : BackgroundService
{
    // Where the sweep keeps how far it got (UTC ticks), so a restart neither repeats an expiry nor misses one.
    private const string Watermark = "consent-expiry";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ConsentExpirySweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A lost race with another instance's sweep or a database hiccup: the watermark did not move, so the
                // next round does the same work again.
                logger.LogWarning(ex, "The consent expiry sweep failed; trying again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Applies the expiries from the last sweep until now.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CasesDbContext>();
        var now = time.GetUtcNow();
        var state = await db.SourceStates.FindAsync([Watermark], cancellationToken);
        if (state is null)
        {
            state = new SourceState(Watermark);
            db.SourceStates.Add(state);
        }

        var since = state.Version > 0 ? new DateTimeOffset(state.Version, TimeSpan.Zero) : (DateTimeOffset?)null;
        if (!state.Accepts(now.UtcTicks, ends: false))
        {
            return;
        }

        // A revoked consent had its effect at the revocation.
        var expired = db.Consents.AsNoTracking().Where(c => c.EndAt != null && c.EndAt <= now && c.RevokedAt == null);
        if (since is { } from)
        {
            expired = expired.Where(c => c.EndAt > from);
        }

        var consents = await expired.ToListAsync(cancellationToken);
        foreach (var consent in consents)
        {
            db.ConsentChanged(consent, "Consent expired", consent.EndAt!.Value);
        }

        foreach (var serviceUserId in consents.Select(c => c.ServiceUserId).Distinct())
        {
            await db.EndUncoveredAsync(serviceUserId, now, cancellationToken, InvolvementEndReason.ConsentExpired);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
