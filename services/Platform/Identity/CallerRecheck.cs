using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Domain;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// Keeps checking the caller of a long-lived server stream: every <see cref="AuthOptions.StreamRecheck"/> (on the
/// injected clock) the membership is checked again like a new call, and the token's expiry too. A stream whose member
/// ended, changed organization or role, or whose organization was deactivated ends with PERMISSION_DENIED (reason
/// MEMBERSHIP_ENDED); one whose token expired ends with UNAUTHENTICATED; one whose membership cannot be checked ends
/// with UNAVAILABLE. Every server-streaming endpoint runs its loop through <see cref="RunAsync"/>.
/// </summary>
public sealed class CallerRecheck(MembershipCache memberships, TokenClock clock, IOptions<AuthOptions> options)
{
    /// <summary>
    /// Runs <paramref name="stream"/> (the endpoint's loop) with a token that is cancelled when the caller may no longer
    /// listen, and turns that cancellation into the refusal's status. The loop must pass the token to its waits and writes.
    /// </summary>
    public async Task RunAsync(ServerCallContext context, Func<CancellationToken, Task> stream)
    {
        var user = context.GetHttpContext().User;
        var expiresAt = long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : (DateTimeOffset?)null;
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var member = TokenAudience.IsOnly(user, options.Value.Audience, options.Value.WorkloadAudience) ? Caller.From(user) : null;
        var watch = new Watch(member, expiresAt, listening);
        var watching = WatchAsync(watch);
        try
        {
            await stream(listening.Token);
        }
        catch (OperationCanceledException) when (watch.Refusal is not null)
        {
        }
        finally
        {
            await listening.CancelAsync();
            await watching;
        }

        if (watch.Refusal is { } refusal)
        {
            throw refusal;
        }
    }

    private async Task WatchAsync(Watch watch)
    {
        using var ticks = new PeriodicTimer(options.Value.StreamRecheck, clock.Time);
        try
        {
            while (await ticks.WaitForNextTickAsync(watch.Listening.Token))
            {
                if (await RefusalAsync(watch, watch.Listening.Token) is { } refusal)
                {
                    // Recorded before the loop is cancelled, so the loop's cancellation is read as this refusal.
                    watch.Refusal = refusal;
                    await watch.Listening.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<Exception?> RefusalAsync(Watch watch, CancellationToken cancellationToken)
    {
        if (watch.ExpiresAt is { } expiry && clock.Time.GetUtcNow() >= expiry)
        {
            return new RpcException(new Status(StatusCode.Unauthenticated, "The token expired; open the stream again with a new token."));
        }

        try
        {
            // A workload has no membership: its token's lifetime is all there is to check.
            return watch.Caller is null || await memberships.ConfirmsAsync(watch.Caller, cancellationToken)
                ? null
                : new PermissionDeniedException("The member is no longer active in this organization with this role.", "MEMBERSHIP_ENDED");
        }
        catch (MembershipUnavailableException ex)
        {
            return new RpcException(new Status(StatusCode.Unavailable, ex.Message));
        }
    }

    private sealed class Watch(Caller? caller, DateTimeOffset? expiresAt, CancellationTokenSource listening)
    {
        public Caller? Caller { get; } = caller;

        public DateTimeOffset? ExpiresAt { get; } = expiresAt;

        public CancellationTokenSource Listening { get; } = listening;

        public volatile Exception? Refusal;
    }
}
