using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// Concurrent SQLite writes share a transaction (group commit): a write queued behind another joins its batch, each in a
/// savepoint. A write is answered only when its batch has committed (also when its caller cancels once it is in the
/// batch); one that fails rolls back alone with its own error;
/// a caller that gives up while queued leaves the batch alone; a fault that ends the batch answers every write in it.
/// The file's turn is held for exactly the length of a write, whatever its outcome: a failed, lost or cancelled save must
/// leave the next write free to run (a held turn would hang every later write and audited call).
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

    [Theory]
    [InlineData("normal")]
    [InlineData("FULL")]
    public async Task A_known_sync_level_is_taken_in_any_case(string level)
    {
        await using var host = new PlatformHost(settings: new Dictionary<string, string?> { ["ReferralNet:Database:SqliteSynchronous"] = level });
        Assert.Equal(0, await host.InDatabase(db => db.Counters.CountAsync()));
    }

    [Theory]
    [InlineData("SOMETIMES")]
    [InlineData("NORMAL; PRAGMA journal_mode=DELETE")]
    public void A_sync_level_SQLite_does_not_know_stops_the_host_before_it_opens_a_file(string level)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PlatformHost(settings: new Dictionary<string, string?> { ["ReferralNet:Database:SqliteSynchronous"] = level }));
        Assert.Contains("SqliteSynchronous", error.Message);
    }

    [Fact]
    public async Task A_save_that_breaks_the_primary_key_gives_the_turn_back()
    {
        await AddCounterAsync("twin");

        await Assert.ThrowsAsync<DbUpdateException>(() => AddCounterAsync("twin"));

        await AddCounterAsync("next").WaitAsync(Hang);
    }

    [Fact]
    public async Task A_save_that_loses_an_optimistic_concurrency_race_gives_the_turn_back()
    {
        await AddCounterAsync("raced");
        await using var first = _host.App.Services.CreateAsyncScope();
        await using var second = _host.App.Services.CreateAsyncScope();
        var winner = first.ServiceProvider.GetRequiredService<TestDbContext>();
        var loser = second.ServiceProvider.GetRequiredService<TestDbContext>();
        (await winner.Counters.SingleAsync(c => c.Id == "raced")).Value++;
        (await loser.Counters.SingleAsync(c => c.Id == "raced")).Value++;

        await winner.SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => loser.SaveChangesAsync());

        await AddCounterAsync("after-race").WaitAsync(Hang);
        Assert.Equal(1, await _host.InDatabase(db => db.Counters.Where(c => c.Id == "raced").Select(c => c.Value).SingleAsync()));
    }

    [Fact]
    public async Task A_save_cancelled_while_it_waits_for_the_turn_leaves_it_to_the_holder()
    {
        await using var holderScope = _host.App.Services.CreateAsyncScope();
        var holder = holderScope.ServiceProvider.GetRequiredService<TestDbContext>();
        using var cancel = new CancellationTokenSource();
        Task waiting;
        await using (var transaction = await holder.BeginWriteAsync(CancellationToken.None))
        {
            holder.Counters.Add(new Counter { Id = "held" });
            await holder.SaveChangesAsync();
            waiting = AddCounterAsync("cancelled", cancel.Token);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
            await transaction.CommitAsync(CancellationToken.None);
        }

        await AddCounterAsync("after-cancel").WaitAsync(Hang);
        Assert.Equal(["after-cancel", "held"], await _host.InDatabase(db => db.Counters.Select(c => c.Id).Order().ToListAsync()));
    }

    [Fact]
    public async Task A_save_cancelled_during_the_write_gives_the_turn_back()
    {
        for (var i = 0; i < 50; i++)
        {
            using var cancel = new CancellationTokenSource();
            var save = AddCounterAsync($"maybe-{i}", cancel.Token);
            await cancel.CancelAsync();
            try
            {
                await save;
            }
            catch (OperationCanceledException)
            {
            }
        }

        await AddCounterAsync("after-cancels").WaitAsync(Hang);
    }

    [Fact]
    public async Task A_write_queued_behind_another_shares_its_commit_and_neither_is_answered_before_it()
    {
        using var batches = new MetricCollector<int>(null, "ReferralNet.Sqlite", "referralnet.sqlite.batch.writes");
        using var busy = new MetricCollector<double>(null, "ReferralNet.Sqlite", "referralnet.sqlite.write_turn.busy");
        using var cancel = new CancellationTokenSource();
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        Task committed;
        await using (var write = await db.BeginWriteAsync(CancellationToken.None))
        {
            db.Counters.Add(new Counter { Id = "first" });
            await db.SaveChangesAsync();
            await using var second = _host.App.Services.CreateAsyncScope();
            var other = second.ServiceProvider.GetRequiredService<TestDbContext>();
            var joining = other.BeginWriteAsync(CancellationToken.None);
            committed = write.CommitAsync(cancel.Token);
            await using var next = await joining.WaitAsync(Hang);

            // The first write handed its batch on: until the second ends it, nothing is committed and nobody answered.
            // It commits or fails with the batch now, whatever its caller does.
            Assert.False(committed.IsCompleted);
            Assert.Empty(await CommittedIdsAsync());
            await cancel.CancelAsync();
            other.Counters.Add(new Counter { Id = "second" });
            await other.SaveChangesAsync();
            await next.CommitAsync(CancellationToken.None).WaitAsync(Hang);
            await committed.WaitAsync(Hang);
        }

        Assert.Equal(["first", "second"], await CommittedIdsAsync());

        // Operators see the one commit of both writes and the turn each held (other tests' files have other directories,
        // but may share the name: the measurements looked for are this test's).
        static bool OfThisFile<T>(CollectedMeasurement<T> m) where T : struct => Equals(m.Tags["db.file"], "platform-test.db");
        Assert.Contains(batches.GetMeasurementSnapshot(), m => OfThisFile(m) && m.Value == 2);
        Assert.True(busy.GetMeasurementSnapshot().Count(m => OfThisFile(m) && m.Value >= 0) >= 2);
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
