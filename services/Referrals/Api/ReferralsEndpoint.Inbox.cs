using System.Globalization;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Identity;
using ReferralNet.Referrals.Domain;
using Proto = ReferralNet.Contracts.V1;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Referrals.Api;

/// <summary>The live inbox: a snapshot or a resumed catch-up, a caught-up marker, then the feed's changes and heartbeats.</summary>
public sealed partial class ReferralsEndpoint
{
    /// <inheritdoc />
    [Audited(AuditKind.Read, "referral", Purpose)]
    public override async Task WatchIncomingReferrals(Proto.WatchIncomingReferralsRequest request, IServerStreamWriter<Proto.WatchIncomingReferralsResponse> responseStream, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        caller.RequireRole(Role.Professional);
        var organization = caller.OrganizationId;
        audit.Subject(organization);
        var tokenQuery = $"{context.Method}|{organization}";
        var settings = options.Value;
        long? resumeFrom = null;
        if (request.ResumeToken.Length > 0)
        {
            // A token is good for as long as the history is kept: every message, heartbeats too, carries a fresh one, so only
            // a client away for longer than that may have missed changes the history no longer holds. It re-snapshots.
            var keys = pageTokens.Decode(request.ResumeToken, tokenQuery, keyCount: 2, field: "resume_token")!.Keys;
            if (new DateTimeOffset(long.Parse(keys[1], CultureInfo.InvariantCulture), TimeSpan.Zero) < time.GetUtcNow() - settings.InboxRetention)
            {
                throw new RpcException(new Status(StatusCode.OutOfRange, "The resume_token is older than the inbox history kept; open the stream without one to start from a snapshot."));
            }

            resumeFrom = long.Parse(keys[0], CultureInfo.InvariantCulture);
        }

        var services = request.ServiceIds.ToHashSet(StringComparer.Ordinal);

        await recheck.RunAsync(context, async listeningToCaller =>
        {
            using var subscription = await feed.SubscribeAsync(organization, listeningToCaller);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(listeningToCaller, subscription.OverflowToken);

            // A write cut short resets the HTTP/2 stream, so the refusal of a caller whose rights ended (which ends the
            // waits) must not cancel one: writes end only when the client goes or the stream overflowed.
            using var writing = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, subscription.OverflowToken);
            try
            {
                await StreamInboxAsync(subscription, both.Token, writing.Token);
            }
            catch (OperationCanceledException) when (subscription.Overflowed)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, "The stream fell too far behind the inbox's changes; open it again with the last resume_token."));
            }
        });

        async Task StreamInboxAsync(InboxSubscription subscription, CancellationToken listening, CancellationToken writing)
        {
            var sent = subscription.From;

            // Positions the catch-up already sent: the feed may hand them out again when it was behind the database.
            var covered = new HashSet<long>();
            var liveAfter = Math.Max(subscription.From, resumeFrom ?? 0);
            string Token(long position) => pageTokens.Encode(
                new PageCursor([position.ToString(CultureInfo.InvariantCulture), time.GetUtcNow().UtcTicks.ToString(CultureInfo.InvariantCulture)]), tokenQuery);

            async Task SendAsync(Proto.WatchIncomingReferralsResponse message, long position)
            {
                message.ResumeToken = Token(position);
                audit.Read([message.Referral?.ServiceUserId ?? message.AtRiskNeed?.ServiceUserId ?? ""]);
                listening.ThrowIfCancellationRequested();
                await responseStream.WriteAsync(message, writing);
            }

            async Task MarkAsync(Proto.InboxMessageKind kind)
            {
                audit.NextMessageCarriesNoPersonalData();
                await SendAsync(new Proto.WatchIncomingReferralsResponse { Kind = kind }, sent);
            }

            if (resumeFrom is { } resumed)
            {
                // Everything after the client's position up to the subscription's start, each object once, as it stands.
                var floor = await db.InboxChanges.MinAsync(c => (long?)c.Position, listening) - 1 ?? subscription.From;
                if (resumed < floor)
                {
                    throw new RpcException(new Status(StatusCode.OutOfRange, "The resume_token is older than the inbox history kept; open the stream without one to start from a snapshot."));
                }

                // A replica whose feed is behind the one the client last read from skips what the client already has.
                sent = Math.Max(sent, resumed);

                // Everything committed after the client's position, including what this process's feed has not read yet:
                // CAUGHT_UP means all of it was sent.
                var missed = await db.InboxChanges.AsNoTracking()
                    .Where(c => c.OrganizationId == organization && c.Position > resumed)
                    .OrderBy(c => c.Position).ToListAsync(listening);
                covered.UnionWith(missed.Select(c => c.Position));
                var latest = missed.GroupBy(c => (c.Kind, c.ObjectId)).Select(g => g.MaxBy(c => c.Position)!).OrderBy(c => c.Position).ToList();
                foreach (var item in await InboxFeed.LoadAsync(db, latest, listening))
                {
                    if (Wanted(item, services))
                    {
                        await SendAsync(item.Message, item.Position);
                    }
                }

                sent = Math.Max(sent, covered.DefaultIfEmpty(sent).Max());
            }
            else
            {
                // Changes committed before the snapshot is read are in it: the feed, when behind, must not send them after.
                covered.UnionWith(await db.InboxChanges.AsNoTracking()
                    .Where(c => c.OrganizationId == organization && c.Position > subscription.From).Select(c => c.Position).ToListAsync(listening));
                sent = Math.Max(sent, covered.DefaultIfEmpty(sent).Max());
                var undecided = db.Referrals.AsNoTracking()
                    .Where(r => r.ToOrganizationId == organization && (r.Status == ReferralStatus.Requested || r.Status == ReferralStatus.Received));
                if (services.Count > 0)
                {
                    undecided = undecided.Where(r => services.Contains(r.ToServiceId));
                }

                await foreach (var referral in undecided.OrderBy(r => r.Id).AsAsyncEnumerable().WithCancellation(listening))
                {
                    await SendAsync(new Proto.WatchIncomingReferralsResponse { Kind = Proto.InboxMessageKind.Referral, Referral = referral.ToProto() }, sent);
                }
            }

            await MarkAsync(Proto.InboxMessageKind.CaughtUp);

            var waiting = subscription.Items.WaitToReadAsync(listening).AsTask();
            while (true)
            {
                var beat = Task.Delay(settings.StreamHeartbeat, time, listening);
                if (await Task.WhenAny(waiting, beat) != waiting)
                {
                    await MarkAsync(Proto.InboxMessageKind.Heartbeat);
                    continue;
                }

                if (!await waiting)
                {
                    throw new OperationCanceledException(subscription.OverflowToken);
                }

                while (subscription.Items.TryRead(out var item))
                {
                    if (item.Position > liveAfter && !covered.Contains(item.Position) && Wanted(item, services))
                    {
                        await SendAsync(item.Message.Clone(), item.Position);
                    }

                    sent = Math.Max(sent, item.Position);
                }

                waiting = subscription.Items.WaitToReadAsync(listening).AsTask();
            }
        }
    }

    private static bool Wanted(InboxItem item, HashSet<string> services) =>
        item.ServiceId is null || services.Count == 0 || services.Contains(item.ServiceId);
}
