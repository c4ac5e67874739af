using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// Concurrent SQLite writes share a transaction (group commit): a write queued behind another joins its batch, each in a
/// savepoint. A write is answered only when its batch has committed; one that fails rolls back alone with its own error;
/// a caller that gives up while queued leaves the batch alone; a fault that ends the batch answers every write in it.
/// Writes queued behind an open write are in the queue by the time their task is returned (they wait for the turn
/// before anything else), which makes the order of these tests certain without timing.
/// </summary>
[Collection("platform")]
public sealed class GroupCommitTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);
    private readonly PlatformHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_write_queued_behind_another_shares_its_commit_and_neither_is_answered_before_it()
    {
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        Task committed;
        Task queued;
        await using (var write = await db.BeginWriteAsync(CancellationToken.None))
        {
            db.Counters.Add(new Counter { Id = "first" });
            await db.SaveChangesAsync();
            var second = _host.App.Services.CreateAsyncScope();
            var other = second.ServiceProvider.GetRequiredService<TestDbContext>();
            var joining = other.BeginWriteAsync(CancellationToken.None);
            committed = write.CommitAsync(CancellationToken.None);

            // The first write handed its batch on: until the second ends it, nothing is committed and nobody answered.
            await using (var next = await joining.WaitAsync(Hang))
            {
                Assert.False(committed.IsCompleted);
                Assert.Empty(await CommittedIdsAsync());
                other.Counters.Add(new Counter { Id = "second" });
                await other.SaveChangesAsync();
                queued = next.CommitAsync(CancellationToken.None);
                await queued.WaitAsync(Hang);
            }

            await second.DisposeAsync();
            await committed.WaitAsync(Hang);
        }

        Assert.Equal(["first", "second"], await CommittedIdsAsync());
    }

    [Fact]
    public async Task A_write_of_a_batch_that_breaks_a_key_fails_alone_and_the_others_commit()
    {
        Task twin;
        Task after;
        await using (var scope = _host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            await using var write = await db.BeginWriteAsync(CancellationToken.None);
            db.Counters.Add(new Counter { Id = "held", Value = 7 });
            await db.SaveChangesAsync();

            // Both run in the held write's batch: the twin sees the held row, uncommitted, and breaks its key.
            twin = AddCounterAsync("held");
            after = AddCounterAsync("after-twin");
            await write.CommitAsync(CancellationToken.None).WaitAsync(Hang);
        }

        await Assert.ThrowsAsync<DbUpdateException>(() => twin.WaitAsync(Hang));
        await after.WaitAsync(Hang);
        Assert.Equal(["after-twin", "held"], await CommittedIdsAsync());
        Assert.Equal(7, await _host.InDatabase(db => db.Counters.Where(c => c.Id == "held").Select(c => c.Value).SingleAsync()));
    }

    [Fact]
    public async Task A_caller_that_gives_up_in_the_queue_leaves_the_batch_to_the_others()
    {
        using var cancel = new CancellationTokenSource();
        Task cancelled;
        Task kept;
        await using (var scope = _host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            await using var write = await db.BeginWriteAsync(CancellationToken.None);
            db.Counters.Add(new Counter { Id = "held" });
            await db.SaveChangesAsync();
            cancelled = AddCounterAsync("cancelled", cancel.Token);
            kept = AddCounterAsync("kept");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Hang));
            await write.CommitAsync(CancellationToken.None).WaitAsync(Hang);
        }

        await kept.WaitAsync(Hang);
        Assert.Equal(["held", "kept"], await CommittedIdsAsync());
    }

    [Fact]
    public async Task A_write_in_a_batch_commits_with_it_although_its_caller_cancels_while_it_waits_for_the_commit()
    {
        using var cancel = new CancellationTokenSource();
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        Task committed;
        await using (var write = await db.BeginWriteAsync(CancellationToken.None))
        {
            db.Counters.Add(new Counter { Id = "in-batch" });
            await db.SaveChangesAsync();
            await using var second = _host.App.Services.CreateAsyncScope();
            var other = second.ServiceProvider.GetRequiredService<TestDbContext>();
            var joining = other.BeginWriteAsync(CancellationToken.None);
            committed = write.CommitAsync(cancel.Token);
            await using var next = await joining.WaitAsync(Hang);

            // The write is in the batch now: it commits or fails with the batch, whatever its caller does.
            await cancel.CancelAsync();
            other.Counters.Add(new Counter { Id = "ends-batch" });
            await other.SaveChangesAsync();
            await next.CommitAsync(CancellationToken.None).WaitAsync(Hang);
            await committed.WaitAsync(Hang);
        }

        Assert.Equal(["ends-batch", "in-batch"], await CommittedIdsAsync());
    }

    [Fact]
    public async Task A_fault_that_ends_the_batch_answers_every_write_in_it_with_an_error_and_the_next_batch_runs()
    {
        Task interrupted;
        Task next;
        Task held;
        await using (var scope = _host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            await using var write = await db.BeginWriteAsync(CancellationToken.None);
            db.Counters.Add(new Counter { Id = "held" });
            await db.SaveChangesAsync();
            interrupted = InterruptedWriteAsync();
            held = write.CommitAsync(CancellationToken.None);
            await Assert.ThrowsAsync<SqliteException>(() => interrupted.WaitAsync(Hang));
        }

        // The interrupted statement ended SQLite's transaction, and with it the held write that was waiting for its commit.
        await Assert.ThrowsAsync<WriteBatchFailedException>(() => held.WaitAsync(Hang));
        next = AddCounterAsync("next-batch");
        await next.WaitAsync(Hang);
        Assert.Equal(["next-batch"], await CommittedIdsAsync());
    }

    // A write whose insert SQLite interrupts (a progress handler that stops every statement), the way a full disk or an
    // I/O error ends a transaction from inside.
    private async Task InterruptedWriteAsync()
    {
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        await using var write = await db.BeginWriteAsync(CancellationToken.None);
        var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle!;
        SQLitePCL.raw.sqlite3_progress_handler(handle, 1, _ => 1, null);
        try
        {
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"Counters\" (\"Id\", \"Value\") VALUES ('interrupted', 0)");
        }
        finally
        {
            SQLitePCL.raw.sqlite3_progress_handler(handle, 0, null, null);
        }
    }

    private Task<List<string>> CommittedIdsAsync() => _host.InDatabase(db => db.Counters.AsNoTracking().Select(c => c.Id).Order().ToListAsync());

    private async Task AddCounterAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        db.Counters.Add(new Counter { Id = id });
        await db.SaveChangesAsync(cancellationToken);
    }
}
