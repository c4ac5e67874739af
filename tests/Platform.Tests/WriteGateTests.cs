using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// The SQLite write gate is held for exactly the length of a save, whatever the save's outcome: a failed, lost or
/// cancelled save must leave the next write free to run (a held gate would hang every later write and audited call).
/// </summary>
[Collection("platform")]
public sealed class WriteGateTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);
    private readonly PlatformHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_save_that_breaks_the_primary_key_releases_the_gate()
    {
        await AddCounterAsync("twin");

        await Assert.ThrowsAsync<DbUpdateException>(() => AddCounterAsync("twin"));

        await AddCounterAsync("next").WaitAsync(Hang);
    }

    [Fact]
    public async Task A_save_that_loses_an_optimistic_concurrency_race_releases_the_gate()
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
    public async Task A_save_cancelled_while_it_waits_for_the_gate_leaves_it_to_the_holder()
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
    public async Task A_save_cancelled_during_the_write_releases_the_gate()
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

    private async Task AddCounterAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        db.Counters.Add(new Counter { Id = id });
        await db.SaveChangesAsync(cancellationToken);
    }
}
