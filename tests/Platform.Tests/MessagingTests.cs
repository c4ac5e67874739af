using Microsoft.EntityFrameworkCore;
using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Messaging;

namespace ReferralNet.Platform.Tests;

[Collection("platform")]
public sealed class MessagingTests : IAsyncLifetime
{
    private readonly PlatformHost _host = new();

    private OutboxDispatcher<TestDbContext> Dispatcher =>
        _host.App.Services.GetServices<IHostedService>().OfType<OutboxDispatcher<TestDbContext>>().Single();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_committed_event_is_published_once_and_a_redelivery_changes_nothing()
    {
        CountingHandler.FailuresLeft = 0;
        var id = await CommitEventAsync();

        Assert.Equal(1, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
        var message = await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync());
        Assert.Equal(_host.Clock.GetUtcNow(), message.PublishedAt);
        Assert.Equal(1, await CountAsync(id));

        var bus = _host.App.Services.GetRequiredService<IEventBus>();
        await bus.PublishAsync(message.ToIntegrationEvent(), CancellationToken.None);
        await bus.PublishAsync(message.ToIntegrationEvent(), CancellationToken.None);
        Assert.Equal(1, await CountAsync(id));
        Assert.Equal(1, await _host.InDatabase(db => db.Inbox.CountAsync(i => i.EventId == message.Id)));
        Assert.Equal(0, await Dispatcher.DispatchBatchAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_subscriber_is_retried_with_backoff_until_it_takes_the_event()
    {
        CountingHandler.FailuresLeft = 6;
        var id = await CommitEventAsync();

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
        Assert.Equal(1, await CountAsync(id));
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

    private async Task<string> CommitEventAsync()
    {
        var id = Guid.NewGuid().ToString();
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        db.AddEvent(new OrganizationChanged { Organization = new Organization { Id = id }, Version = 1 }, _host.Clock.GetUtcNow());
        await db.SaveChangesAsync();
        return id;
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
    public async Task Rows_are_purged_after_their_window_and_unpublished_events_never()
    {
        var now = _host.Clock.GetUtcNow();
        await _host.InDatabase(async db =>
        {
            db.Outbox.Add(OutboxMessage.For(new ReferralNet.Contracts.V1.OrganizationChanged(), now.AddDays(-8)));
            db.Outbox.Add(OutboxMessage.For(new ReferralNet.Contracts.V1.OrganizationChanged(), now.AddDays(-30)));
            db.Outbox.Add(OutboxMessage.For(new ReferralNet.Contracts.V1.OrganizationChanged(), now.AddDays(-1)));
            foreach (var message in db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity).Where(m => m.OccurredAt != now.AddDays(-30)))
            {
                message.PublishedAt = message.OccurredAt;
            }

            db.ProcessedRequests.Add(new Persistence.ProcessedRequest { Method = "m", OrganizationId = "o", RequestId = "old", Fingerprint = [], Response = [], CreatedAt = now.AddDays(-8) });
            db.ProcessedRequests.Add(new Persistence.ProcessedRequest { Method = "m", OrganizationId = "o", RequestId = "new", Fingerprint = [], Response = [], CreatedAt = now.AddHours(-1) });
            db.Inbox.Add(new InboxMessage { EventId = Guid.NewGuid(), Handler = "h", EventType = "t", HandledAt = now.AddDays(-31) });
            db.Inbox.Add(new InboxMessage { EventId = Guid.NewGuid(), Handler = "h", EventType = "t", HandledAt = now.AddDays(-29) });
            return await db.SaveChangesAsync();
        });

        var retention = _host.App.Services.GetServices<IHostedService>().OfType<Persistence.Retention<TestDbContext>>().Single();
        await retention.PurgeAsync(CancellationToken.None);

        Assert.Equal(2, await _host.InDatabase(db => db.Outbox.CountAsync()));
        Assert.Equal(1, await _host.InDatabase(db => db.Outbox.CountAsync(m => m.PublishedAt == null)));
        Assert.Equal(["new"], await _host.InDatabase(db => db.ProcessedRequests.Select(r => r.RequestId).ToListAsync()));
        Assert.Equal(1, await _host.InDatabase(db => db.Inbox.CountAsync()));
    }
}
