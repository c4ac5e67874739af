using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals.Api;

/// <summary>A change of an inbox as streams send it: its feed position and the object as it stood when the feed was read.</summary>
/// <param name="Position">The feed position.</param>
/// <param name="Message">The message without its resume token (each stream signs its own).</param>
/// <param name="ServiceId">The receiving service of a referral change; null for a risk change.</param>
public sealed record InboxItem(long Position, Proto.WatchIncomingReferralsResponse Message, string? ServiceId);

/// <summary>
/// The one reader of the inbox change feed in this process. It reads new entries once (woken by this process's commits,
/// and polling for other replicas'), loads each changed referral or chain once, and hands the result to every open
/// stream of the organization concerned: hundreds of streams cost one query per change batch, not one per stream.
/// Positions are assigned at insert but may commit out of order: a gap is waited for briefly before it is passed.
/// </summary>
public sealed class InboxFeed(IServiceScopeFactory scopes, IOptions<ReferralsOptions> options, ILogger<InboxFeed> logger) : BackgroundService
{
    private const int BatchSize = 500;

    private readonly ConcurrentDictionary<InboxSubscription, byte> _subscriptions = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _fanOut = new();
    private long _head;
    private long? _gapSince;

    /// <summary>The position up to which every entry was handed out.</summary>
    public long Head => Interlocked.Read(ref _head);

    /// <summary>Opens a subscription to the changes of <paramref name="organizationId"/> after <see cref="InboxSubscription.From"/>.</summary>
    public async Task<InboxSubscription> SubscribeAsync(string organizationId, CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        lock (_fanOut)
        {
            var subscription = new InboxSubscription(organizationId, Head, options.Value.StreamBuffer, s => _subscriptions.TryRemove(s, out _));
            _subscriptions[subscription] = 0;
            return subscription;
        }
    }

    /// <summary>Reads the feed now (after a commit of this process) instead of at the next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    /// <summary>Loads the messages of <paramref name="changes"/> (oldest first): each changed referral or chain as it stands now.</summary>
    public static async Task<List<InboxItem>> LoadAsync(ReferralsDbContext db, IReadOnlyCollection<InboxChange> changes, CancellationToken cancellationToken)
    {
        var referralIds = changes.Where(c => c.Kind == InboxChangeKind.Referral).Select(c => c.ObjectId).Distinct().ToList();
        var chainIds = changes.Where(c => c.Kind == InboxChangeKind.AtRisk).Select(c => c.ObjectId).Distinct().ToList();
        var referrals = referralIds.Count == 0 ? [] : await db.Referrals.AsNoTracking().Where(r => referralIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var chains = chainIds.Count == 0 ? [] : await db.Chains.AsNoTracking().Where(c => chainIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var chained = (chainIds.Count == 0 ? [] : await db.Referrals.AsNoTracking().Where(r => chainIds.Contains(r.ChainId)).ToListAsync(cancellationToken)).ToLookup(r => r.ChainId);
        var items = new List<InboxItem>(changes.Count);
        foreach (var change in changes)
        {
            if (change.Kind == InboxChangeKind.Referral && referrals.TryGetValue(change.ObjectId, out var referral))
            {
                items.Add(new InboxItem(change.Position, new Proto.WatchIncomingReferralsResponse { Kind = Proto.InboxMessageKind.Referral, Referral = referral.ToProto() }, referral.ToServiceId));
            }
            else if (change.Kind == InboxChangeKind.AtRisk && chains.TryGetValue(change.ObjectId, out var chain))
            {
                items.Add(new InboxItem(change.Position, new Proto.WatchIncomingReferralsResponse { Kind = Proto.InboxMessageKind.AtRisk, AtRiskNeed = chain.ToAtRiskNeed(chained[chain.Id]) }, null));
            }
        }

        return items;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
                Interlocked.Exchange(ref _head, await db.InboxChanges.MaxAsync(c => (long?)c.Position, stoppingToken) ?? 0);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The inbox feed could not read its start; it tries again");
                await Task.Delay(options.Value.FeedPollInterval, stoppingToken);
            }
        }

        _ready.TrySetResult();

        // Polling runs on real time, like the outbox: a moved domain clock must not stall or flood the feed.
        while (!stoppingToken.IsCancellationRequested)
        {
            await _wake.WaitAsync(options.Value.FeedPollInterval, stoppingToken);
            try
            {
                while (await PumpAsync(stoppingToken))
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The inbox feed could not be read; it tries again");
            }
        }
    }

    // Hands out the next contiguous entries; true when a full batch went out and more may be waiting.
    private async Task<bool> PumpAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        var head = Head;
        var changes = await db.InboxChanges.AsNoTracking().Where(c => c.Position > head).OrderBy(c => c.Position).Take(BatchSize).ToListAsync(cancellationToken);
        var ready = new List<InboxChange>();
        foreach (var change in changes)
        {
            // A position not yet visible may belong to a transaction still committing: wait for it a moment, then pass it
            // (a rolled-back insert, or an identity that jumped, leaves a gap that never fills).
            if (change.Position != head + 1 && !GapPassed())
            {
                break;
            }

            _gapSince = null;
            ready.Add(change);
            head = change.Position;
        }

        if (ready.Count == 0)
        {
            return false;
        }

        // Every entry is loaded, listened to or not: a stream that subscribes while this batch loads starts after the old head
        // and must get it.
        var items = await LoadAsync(db, ready, cancellationToken);
        var organizations = ready.ToDictionary(c => c.Position, c => c.OrganizationId);
        lock (_fanOut)
        {
            foreach (var item in items)
            {
                foreach (var subscription in _subscriptions.Keys.Where(s => s.OrganizationId == organizations[item.Position]))
                {
                    subscription.Offer(item);
                }
            }

            Interlocked.Exchange(ref _head, head);
        }

        return changes.Count == BatchSize && ready.Count == changes.Count;
    }

    private bool GapPassed()
    {
        var now = Stopwatch.GetTimestamp();
        _gapSince ??= now;
        return Stopwatch.GetElapsedTime(_gapSince.Value, now) >= options.Value.FeedGapWait;
    }
}

/// <summary>One open stream's share of the feed: the changes of its organization after <see cref="From"/>, in a bounded buffer.</summary>
public sealed class InboxSubscription : IDisposable
{
    private readonly Channel<InboxItem> _items;
    private readonly Action<InboxSubscription> _close;
    private readonly CancellationTokenSource _overflow = new();

    /// <summary>A subscription of <paramref name="organizationId"/> that holds at most <paramref name="capacity"/> unsent changes.</summary>
    public InboxSubscription(string organizationId, long from, int capacity, Action<InboxSubscription> close)
    {
        OrganizationId = organizationId;
        From = from;
        _close = close;
        _items = Channel.CreateBounded<InboxItem>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
    }

    /// <summary>The organization.</summary>
    public string OrganizationId { get; }

    /// <summary>The feed position the subscription starts after: everything up to it is read from the database.</summary>
    public long From { get; }

    /// <summary>True when the stream did not read fast enough and the buffer filled: it must end and resume.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Cancelled when the buffer overflows, so that a write blocked on a client that does not read ends too.</summary>
    public CancellationToken OverflowToken => _overflow.Token;

    /// <summary>The changes, in feed order; completes when the buffer overflowed.</summary>
    public ChannelReader<InboxItem> Items => _items.Reader;

    /// <summary>Queues a change; a full buffer ends the subscription instead of holding up the feed for everyone.</summary>
    public void Offer(InboxItem item)
    {
        if (!Overflowed && !_items.Writer.TryWrite(item))
        {
            Overflowed = true;
            _items.Writer.TryComplete();
            _close(this);
            _overflow.Cancel();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _items.Writer.TryComplete();
        _close(this);
        _overflow.Dispose();
    }
}
