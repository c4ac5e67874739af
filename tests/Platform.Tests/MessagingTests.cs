using Google.Protobuf.Reflection;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Messaging;

namespace ReferralNet.Platform.Tests;

[Collection("platform")]
public sealed class MessagingTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);
    private readonly PlatformHost _host = new();

    private OutboxDispatcher<TestDbContext> Dispatcher => _host.Dispatcher;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_committed_event_is_published_once_and_a_redelivery_changes_nothing()
    {
        await _host.CommitEventAsync("o-1", 1);

        Assert.Equal(1, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
        var message = await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync());
        Assert.Equal(_host.Clock.GetUtcNow(), message.PublishedAt);
        Assert.Null(message.LeaseOwner);
        Assert.Equal(1, await CountAsync("o-1"));

        var bus = _host.App.Services.GetRequiredService<IEventBus>();
        await bus.PublishAsync(message.ToIntegrationEvent(), CancellationToken.None);
        await bus.PublishAsync(message.ToIntegrationEvent(), CancellationToken.None);
        Assert.Equal(1, await CountAsync("o-1"));
        Assert.Equal(1, await _host.InDatabase(db => db.Inbox.CountAsync(i => i.EventId == message.Id)));
        Assert.Equal(0, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_handlers_of_one_event_in_a_service_apply_it_in_one_write_and_a_failing_one_fails_alone()
    {
        await using var host = new PlatformHost(twoHandlers: true);
        var bus = host.App.Services.GetRequiredService<IEventBus>();
        async Task<IntegrationEvent> CommittedAsync(long version, string name = "")
        {
            var id = await host.CommitEventAsync("o-1", version, name);
            return (await host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id))).ToIntegrationEvent();
        }

        async Task<int> RowAsync(string id) =>
            await host.InDatabase(async db => (await db.Counters.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id))?.Value ?? 0);

        var first = await CommittedAsync(1);
        var savesBefore = host.Saves.Saves;
        await bus.PublishAsync(first, CancellationToken.None);
        Assert.Equal(1, host.Saves.Saves - savesBefore);
        Assert.Equal(1, await RowAsync("o-1"));
        Assert.Equal(1, await RowAsync(LatestVersionHandler.RowOf("o-1")));
        Assert.Equal(2, await host.InDatabase(db => db.Inbox.CountAsync(i => i.EventId == first.Id)));

        // The counting handler can never take this one: the other handler's effect stands, and a redelivery leaves it be.
        var poisoned = await CommittedAsync(2, Subscriber.Poison);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bus.PublishAsync(poisoned, CancellationToken.None));
        Assert.Equal(2, await RowAsync(LatestVersionHandler.RowOf("o-1")));
        Assert.Equal(1, await RowAsync("o-1"));
        Assert.Equal([typeof(LatestVersionHandler).FullName!], await host.InDatabase(db => db.Inbox.Where(i => i.EventId == poisoned.Id).Select(i => i.Handler).ToListAsync()));

        savesBefore = host.Saves.Saves;
        await Assert.ThrowsAsync<InvalidOperationException>(() => bus.PublishAsync(poisoned, CancellationToken.None));
        Assert.Equal(0, host.Saves.Saves - savesBefore);
        Assert.Equal(1, await host.InDatabase(db => db.Inbox.CountAsync(i => i.EventId == poisoned.Id)));
    }

    [Fact]
    public async Task A_failing_subscriber_is_retried_with_backoff_until_it_takes_the_event()
    {
        _host.Subscriber.FailuresLeft = 6;
        await _host.CommitEventAsync("o-1", 1);

        // One dispatch pass tries three times (Polly), then backs the row off.
        await Dispatcher.DispatchBatchAsync(CancellationToken.None);
        var failed = await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync());
        Assert.Null(failed.PublishedAt);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("The subscriber is down.", failed.LastError);
        Assert.True(failed.NextAttemptAt > _host.Clock.GetUtcNow());
        Assert.Equal(0, await Dispatcher.DispatchBatchAsync(CancellationToken.None));

        _host.Clock.SetUtcNow(failed.NextAttemptAt);
        await Dispatcher.DispatchBatchAsync(CancellationToken.None);
        var stillFailing = await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync());
        Assert.Equal(2, stillFailing.Attempts);
        Assert.True(stillFailing.NextAttemptAt - _host.Clock.GetUtcNow() > failed.NextAttemptAt - failed.OccurredAt);

        _host.Clock.SetUtcNow(stillFailing.NextAttemptAt);
        await Dispatcher.DispatchBatchAsync(CancellationToken.None);
        Assert.NotNull((await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync())).PublishedAt);
        Assert.Equal(1, await CountAsync("o-1"));
    }

    [Fact]
    public async Task An_event_added_without_a_commit_is_never_published()
    {
        await using (var scope = _host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            db.AddEvent(new OrganizationChanged { Organization = new Organization { Id = "rolled-back" } }, _host.Clock.GetUtcNow());
            db.Counters.Add(new Counter { Id = "rolled-back" });
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal(0, await _host.InDatabase(db => db.Counters.CountAsync()));
    }

    [Fact]
    public async Task The_dispatcher_is_woken_when_the_transaction_commits_not_when_it_saves()
    {
        var signal = _host.App.Services.GetRequiredService<OutboxSignals>().For(typeof(TestDbContext));
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.AddEvent(Change("o-1", 1), _host.Clock.GetUtcNow());
            await db.SaveChangesAsync();
            Assert.Equal(0, signal.CurrentCount);
            await transaction.CommitAsync();
        }

        Assert.Equal(1, signal.CurrentCount);
        await signal.WaitAsync();

        await using (var write = await db.BeginWriteAsync(CancellationToken.None))
        {
            db.AddEvent(Change("o-1", 2), _host.Clock.GetUtcNow());
            await db.SaveChangesAsync();
            Assert.Equal(0, signal.CurrentCount);
            await write.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(1, signal.CurrentCount);
        await signal.WaitAsync();

        await _host.CommitEventAsync("o-2", 1);
        Assert.Equal(1, signal.CurrentCount);
    }

    [Fact]
    public async Task Events_inserted_without_the_change_tracker_are_numbered_by_the_database_and_wake_the_dispatcher_at_commit()
    {
        var signal = _host.App.Services.GetRequiredService<OutboxSignals>().For(typeof(TestDbContext));
        await _host.CommitEventAsync("a", 1);
        await signal.WaitAsync();
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();

        await using (var write = await db.BeginWriteAsync(CancellationToken.None))
        {
            await db.InsertEventsAsync([OutboxMessage.For(Change("a", 2), _host.Clock.GetUtcNow()), OutboxMessage.For(Change("a", 3), _host.Clock.GetUtcNow())], CancellationToken.None);
            Assert.Equal(0, signal.CurrentCount);
            await write.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(1, signal.CurrentCount);
        await signal.WaitAsync();

        // Rolled back: neither stored nor a reason to wake the dispatcher.
        await using (var write = await db.BeginWriteAsync(CancellationToken.None))
        {
            await db.InsertEventsAsync([OutboxMessage.For(Change("a", 99), _host.Clock.GetUtcNow())], CancellationToken.None);
        }

        await _host.CommitEventAsync("a", 4);
        while (await Dispatcher.DispatchBatchAsync(CancellationToken.None) > 0)
        {
        }

        Assert.Equal([1L, 2, 3, 4], _host.Deliveries.Deliveries.Where(d => d.Aggregate == "a").Select(d => d.Version));
        var positions = await _host.InDatabase(db => db.Outbox.AsNoTracking().OrderBy(m => m.Position).Select(m => m.Position).ToListAsync());
        Assert.Equal(4, positions.Count);
        Assert.Equal(positions.Distinct().Order(), positions);
    }

    [Fact]
    public async Task Events_of_one_aggregate_leave_in_commit_order_even_when_they_share_an_instant()
    {
        // Every event gets the same instant, so their version 7 ids differ only in random bits; one save holds five.
        await _host.InDatabase(db =>
        {
            for (var version = 1; version <= 5; version++)
            {
                db.AddEvent(Change("a", version), _host.Clock.GetUtcNow());
            }

            return db.SaveChangesAsync();
        });
        for (var version = 6; version <= 40; version++)
        {
            await _host.CommitEventAsync("a", version);
            await _host.CommitEventAsync("b", version - 5);
        }

        while (await Dispatcher.DispatchBatchAsync(CancellationToken.None) > 0)
        {
        }

        var deliveries = _host.Deliveries.Deliveries;
        Assert.Equal(75, deliveries.Select(d => d.EventId).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 40).Select(v => (long)v), deliveries.Where(d => d.Aggregate == "a").Select(d => d.Version));
        Assert.Equal(Enumerable.Range(1, 35).Select(v => (long)v), deliveries.Where(d => d.Aggregate == "b").Select(d => d.Version));
        var positions = await _host.InDatabase(db => db.Outbox.AsNoTracking().OrderBy(m => m.Position).Select(m => m.Id).ToListAsync());
        Assert.Equal(positions.Where(deliveries.Where(d => d.Aggregate == "a").Select(d => d.EventId).Contains), deliveries.Where(d => d.Aggregate == "a").Select(d => d.EventId));
    }

    [Fact]
    public async Task A_claimed_row_is_left_to_its_dispatcher_until_the_lease_expires_then_another_takes_it_over()
    {
        await using var other = new PlatformHost(connectionString: _host.SqliteConnectionString, deliveries: _host.Deliveries, name: "other");
        await _host.CommitEventAsync("o-1", 1);
        _host.Subscriber.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first host's dispatcher claims the row and hangs in the subscriber, as a host that died mid-publish would.
        var stuck = Dispatcher.DispatchBatchAsync(CancellationToken.None);
        await _host.Subscriber.Holding.Task.WaitAsync(Hang);
        var leased = await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync());
        Assert.Equal(Dispatcher.Owner, leased.LeaseOwner);
        Assert.Equal(_host.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), leased.LeaseExpiresAt);

        Assert.Equal(0, await other.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        other.Clock.SetUtcNow(leased.LeaseExpiresAt!.Value - TimeSpan.FromTicks(10));
        Assert.Equal(0, await other.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Empty(_host.Deliveries.Deliveries);

        other.Clock.SetUtcNow(leased.LeaseExpiresAt.Value);
        Assert.Equal(1, await other.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        var takenOver = await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync());
        Assert.Equal(leased.LeaseExpiresAt, takenOver.PublishedAt);
        Assert.Equal(2, takenOver.Attempts);
        Assert.Equal("other", Assert.Single(_host.Deliveries.Deliveries).Host);

        // When the stuck publish finally returns, its dispatcher no longer owns the row and records nothing; the event went
        // out twice (at least once), and the subscriber's inbox applied it once.
        _host.Subscriber.Hold.SetResult();
        Assert.Equal(1, await stuck.WaitAsync(Hang));
        Assert.Equal(takenOver.PublishedAt, (await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync())).PublishedAt);
        Assert.Equal(["other", "host"], _host.Deliveries.Deliveries.Select(d => d.Host));
        Assert.Equal(1, await CountAsync("o-1"));
    }

    [Fact]
    public async Task A_round_that_finds_nothing_due_writes_nothing()
    {
        await using var other = new PlatformHost(connectionString: _host.SqliteConnectionString, deliveries: _host.Deliveries, name: "other");
        Assert.Equal(0, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal(0, _host.Updates.Updates);

        // A row another dispatcher holds is not due either: the losing replica's round takes no write.
        await _host.CommitEventAsync("o-1", 1);
        _host.Subscriber.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Dispatcher.DispatchBatchAsync(CancellationToken.None);
        await _host.Subscriber.Holding.Task.WaitAsync(Hang);
        Assert.Equal(0, await other.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal(0, other.Updates.Updates);

        _host.Subscriber.Hold.SetResult();
        Assert.Equal(1, await held.WaitAsync(Hang));
        var afterDrain = _host.Updates.Updates;
        Assert.Equal(0, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal(afterDrain, _host.Updates.Updates);
        Assert.Single(_host.Deliveries.Deliveries);
    }

    [Fact]
    public async Task A_dispatcher_publishes_the_heads_of_a_claim_side_by_side()
    {
        // A claim holds one row per aggregate, so its rows do not wait for each other (sequentially, the second delivery
        // would not start while the first waits, and this would hang).
        await _host.CommitEventAsync("o-1", 1);
        await _host.CommitEventAsync("o-2", 1);
        await _host.CommitEventAsync("o-1", 2);
        _host.Subscriber.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Subscriber.HoldersAwaited = 2;
        var batch = Dispatcher.DispatchBatchAsync(CancellationToken.None);
        await _host.Subscriber.Holding.Task.WaitAsync(Hang);
        _host.Subscriber.Hold.SetResult();
        Assert.Equal(2, await batch.WaitAsync(Hang));

        var rows = await _host.InDatabase(db => db.Outbox.AsNoTracking().OrderBy(m => m.Position).ToListAsync());
        Assert.All(rows[..2], row => Assert.Equal((null, null, 1), (row.LeaseOwner, row.LeaseExpiresAt, row.Attempts)));
        Assert.All(rows[..2], row => Assert.NotNull(row.PublishedAt));
        Assert.Equal((null, 0), (rows[2].PublishedAt, rows[2].Attempts));
        Assert.Equal(["o-1", "o-2"], _host.Deliveries.Deliveries.Select(d => d.Aggregate).Order());

        // The later event of an aggregate leaves only after the earlier one.
        Assert.Equal(1, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal(("o-1", 2L), (_host.Deliveries.Deliveries[^1].Aggregate, _host.Deliveries.Deliveries[^1].Version));
    }

    [Fact]
    public async Task A_row_whose_dispatchers_all_died_mid_publish_is_dead_lettered_when_its_attempts_are_used_up()
    {
        var id = await _host.CommitEventAsync("o-1", 1);
        var now = _host.Clock.GetUtcNow();
        await _host.InDatabase(db => db.Outbox.ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Attempts, 30)
            .SetProperty(m => m.LeaseOwner, "dead-host/1/lease")
            .SetProperty(m => m.LeaseExpiresAt, now)));

        Assert.Equal(1, await Dispatcher.DispatchBatchAsync(CancellationToken.None));

        var dead = await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync());
        Assert.Equal((now, 31), (dead.DeadLetteredAt, dead.Attempts));
        Assert.StartsWith("Abandoned", dead.LastError);
        Assert.Empty(_host.Deliveries.Deliveries);
        Assert.Contains(id.ToString(), Assert.Single(_host.Errors.Errors));
    }

    [Fact]
    public async Task A_row_that_keeps_failing_is_dead_lettered_once_with_its_last_error_and_releases_its_aggregate()
    {
        await using var host = new PlatformHost(settings: new Dictionary<string, string?> { ["ReferralNet:Outbox:MaxAttempts"] = "3" });
        using var deadLettered = new MetricCollector<long>(host.App.Services.GetRequiredService<IMeterFactory>(), OutboxMetrics.MeterName, "referralnet.outbox.dead_lettered");
        var poisoned = await host.CommitEventAsync("a", 1, Subscriber.Poison);
        await host.CommitEventAsync("a", 2);
        await host.CommitEventAsync("b", 1);

        Assert.Equal(2, await host.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            // The later event of the same aggregate waits, due as it is, while the failing one backs off.
            var failing = await host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == poisoned));
            Assert.Equal(0, await host.Dispatcher.DispatchBatchAsync(CancellationToken.None));
            host.Clock.SetUtcNow(failing.NextAttemptAt);
            Assert.Equal(1, await host.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        }

        var dead = await host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == poisoned));
        Assert.Equal(host.Clock.GetUtcNow(), dead.DeadLetteredAt);
        Assert.Null(dead.PublishedAt);
        Assert.Equal(3, dead.Attempts);
        Assert.Equal("InvalidOperationException: The subscriber is down.", dead.LastError);
        Assert.Contains(poisoned.ToString(), Assert.Single(host.Errors.Errors));
        Assert.Equal(1, Assert.Single(deadLettered.GetMeasurementSnapshot()).Value);

        Assert.Equal(1, await host.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        host.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await host.Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal([("b", 1L), ("a", 2L)], host.Deliveries.Deliveries.Select(d => (d.Aggregate, d.Version)));
        Assert.Equal(dead.DeadLetteredAt, (await host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == poisoned))).DeadLetteredAt);
        Assert.Single(host.Errors.Errors);
    }

    [Fact]
    public async Task Metrics_show_the_backlog_its_age_and_what_was_published()
    {
        var meters = _host.App.Services.GetRequiredService<IMeterFactory>();
        using var pending = new MetricCollector<long>(meters, OutboxMetrics.MeterName, "referralnet.outbox.pending");
        using var age = new MetricCollector<double>(meters, OutboxMetrics.MeterName, "referralnet.outbox.oldest_pending_age");
        using var published = new MetricCollector<long>(meters, OutboxMetrics.MeterName, "referralnet.outbox.published");
        await _host.CommitEventAsync("a", 1);
        await _host.CommitEventAsync("b", 1);
        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        await _host.CommitEventAsync("c", 1);
        _host.Clock.Advance(TimeSpan.FromSeconds(60));

        // Three events, each tried three times in its publish, all fail.
        _host.Subscriber.FailuresLeft = 9;
        Assert.Equal(3, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal(3, Observe(pending).Value);
        Assert.Equal("platform-test", Observe(pending).Tags["service"]);
        Assert.Equal(90, Observe(age).Value);
        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(120, Observe(age).Value);
        Assert.Empty(published.GetMeasurementSnapshot());

        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
        Assert.Equal(0, Observe(pending).Value);
        Assert.Equal(0, Observe(age).Value);
        var publishedCount = Assert.Single(published.GetMeasurementSnapshot());
        Assert.Equal(3, publishedCount.Value);
        Assert.Equal("platform-test", publishedCount.Tags["service"]);
    }

    [Theory]
    [InlineData("LeaseDuration", "00:00:30")]
    [InlineData("MaxAttempts", "0")]
    public async Task Outbox_options_that_cannot_work_stop_the_host_at_start(string option, string value)
    {
        await using var host = new PlatformHost(settings: new Dictionary<string, string?> { [$"ReferralNet:Outbox:{option}"] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.App.StartAsync());
        Assert.Contains(option, error.Message);
    }

    [Fact]
    public void Every_integration_event_names_the_object_it_is_about_in_field_1()
    {
        foreach (var message in EventsReflection.Descriptor.MessageTypes)
        {
            var subject = message.FindFieldByNumber(1);
            Assert.True(
                subject is { IsRepeated: false, FieldType: FieldType.String }
                || subject is { IsRepeated: false, FieldType: FieldType.Message } && subject.MessageType.FindFieldByName("id") is { FieldType: FieldType.String },
                $"{message.FullName}: field 1 must be the id of the object the event is about, or that object with its id.");
        }

        Assert.Equal("o-1", OutboxMessage.AggregateOf(Change("o-1", 1)));
        Assert.Equal("r-1", OutboxMessage.AggregateOf(new ReferralStatusChanged { ReferralId = "r-1" }));
        Assert.Throws<ArgumentException>(() => OutboxMessage.AggregateOf(new OrganizationChanged()));
    }

    private static OrganizationChanged Change(string organization, long version) =>
        new() { Organization = new Organization { Id = organization }, Version = version };

    private static CollectedMeasurement<T> Observe<T>(MetricCollector<T> collector)
        where T : struct
    {
        collector.RecordObservableInstruments();
        return collector.LastMeasurement!;
    }

    private Task<int> CountAsync(string id) =>
        _host.InDatabase(async db => (await db.Counters.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id))?.Value ?? 0);
}

[Collection("platform")]
public sealed class RetentionTests : IAsyncLifetime
{
    private readonly PlatformHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Rows_are_purged_after_their_window_and_unpublished_or_dead_lettered_events_never()
    {
        var now = _host.Clock.GetUtcNow();
        await _host.InDatabase(async db =>
        {
            var change = new OrganizationChanged { Organization = new Organization { Id = "o-1" } };
            db.Outbox.Add(OutboxMessage.For(change, now.AddDays(-8)));
            db.Outbox.Add(OutboxMessage.For(change, now.AddDays(-30)));
            db.Outbox.Add(OutboxMessage.For(change, now.AddDays(-1)));
            db.Outbox.Add(OutboxMessage.For(change, now.AddDays(-400)));
            foreach (var message in db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity))
            {
                if (message.OccurredAt == now.AddDays(-400))
                {
                    message.DeadLetteredAt = message.OccurredAt;
                }
                else if (message.OccurredAt != now.AddDays(-30))
                {
                    message.PublishedAt = message.OccurredAt;
                }
            }

            db.ProcessedRequests.Add(new Persistence.ProcessedRequest { Method = "m", OrganizationId = "o", RequestId = "old", Fingerprint = [], Response = [], CreatedAt = now.AddDays(-8) });
            db.ProcessedRequests.Add(new Persistence.ProcessedRequest { Method = "m", OrganizationId = "o", RequestId = "new", Fingerprint = [], Response = [], CreatedAt = now.AddHours(-1) });
            db.Inbox.Add(new InboxMessage { EventId = Guid.NewGuid(), Handler = "h", EventType = "t", HandledAt = now.AddDays(-31) });
            db.Inbox.Add(new InboxMessage { EventId = Guid.NewGuid(), Handler = "h", EventType = "t", HandledAt = now.AddDays(-29) });
            return await db.SaveChangesAsync();
        });

        var retention = _host.App.Services.GetServices<IHostedService>().OfType<Persistence.Retention<TestDbContext>>().Single();
        await retention.PurgeAsync(CancellationToken.None);

        Assert.Equal(3, await _host.InDatabase(db => db.Outbox.CountAsync()));
        Assert.Equal(1, await _host.InDatabase(db => db.Outbox.CountAsync(m => m.PublishedAt == null && m.DeadLetteredAt == null)));
        Assert.Equal(1, await _host.InDatabase(db => db.Outbox.CountAsync(m => m.DeadLetteredAt != null)));
        Assert.Equal(["new"], await _host.InDatabase(db => db.ProcessedRequests.Select(r => r.RequestId).ToListAsync()));
        Assert.Equal(1, await _host.InDatabase(db => db.Inbox.CountAsync()));
    }
}
