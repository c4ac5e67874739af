using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// Service contexts are pooled: a call leases a context another call used before. Nothing of the earlier lease may
/// show, and what is set per physical connection (the SQLite sync level) must hold on every lease.
/// </summary>
[Collection("platform")]
public sealed class ContextPoolingTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);
    private readonly PlatformHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_lease_does_not_inherit_the_write_transaction_an_earlier_lease_left_open()
    {
        WriteTransaction abandoned;
        TestDbContext earlier;
        await using (var scope = _host.App.Services.CreateAsyncScope())
        {
            earlier = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            abandoned = await earlier.BeginWriteAsync(CancellationToken.None);
        }

        await using var next = _host.App.Services.CreateAsyncScope();
        var db = next.ServiceProvider.GetRequiredService<TestDbContext>();
        Assert.Same(earlier, db);
        db.Counters.Add(new Counter { Id = "after-abandoned-write" });

        // The file's turn is still held by the abandoned write, so this save must queue for it, not write past it.
        var save = db.SaveChangesAsync();
        Assert.False(save.IsCompleted);
        await abandoned.DisposeAsync();
        await save.WaitAsync(Hang);
        Assert.True(await _host.InDatabase(d => d.Counters.AnyAsync(c => c.Id == "after-abandoned-write")));
    }

    [Fact]
    public async Task A_pooled_context_keeps_its_connection_open_between_leases_with_no_transaction_left_on_it()
    {
        DbConnection connection;
        await using (var scope = _host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            connection = db.Database.GetDbConnection();
            await using var abandoned = await db.BeginWriteAsync(CancellationToken.None);
            db.Counters.Add(new Counter { Id = "abandoned-with-its-lease" });
            await db.SaveChangesAsync();
        }

        await using var next = _host.App.Services.CreateAsyncScope();
        var leased = next.ServiceProvider.GetRequiredService<TestDbContext>();
        Assert.Same(connection, leased.Database.GetDbConnection());
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);

        // Opening it again would have registered EF's functions again; an open transaction on it would hold SQLite's lock.
        Assert.Equal(1, SQLitePCL.raw.sqlite3_get_autocommit(((Microsoft.Data.Sqlite.SqliteConnection)connection).Handle));
        Assert.False(await leased.Counters.AnyAsync(c => c.Id == "abandoned-with-its-lease"));
    }

    [Fact]
    public async Task Every_pooled_connection_keeps_the_configured_sync_level()
    {
        // NORMAL is 1; SQLite's own default in WAL mode is FULL (2).
        var levels = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => _host.InDatabase(async db =>
        {
            var results = new List<long>();
            for (var lease = 0; lease < 5; lease++)
            {
                await db.Database.OpenConnectionAsync();
                try
                {
                    results.Add(await ScalarAsync(db.Database.GetDbConnection(), "PRAGMA synchronous;"));
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
            }

            return results;
        }))));

        Assert.All(levels.SelectMany(l => l), level => Assert.Equal(1, level));
    }

    [Fact]
    public async Task The_data_version_changes_with_every_save_of_a_watched_type_and_only_then()
    {
        var initial = await StampAsync();

        await _host.InDatabase(db =>
        {
            db.AddEvent(new OrganizationChanged { Organization = new Organization { Id = "unwatched" }, Version = 1 }, _host.Clock.GetUtcNow());
            return db.SaveChangesAsync();
        });
        Assert.Equal(initial, await StampAsync());

        await _host.InDatabase(db =>
        {
            db.Counters.Add(new Counter { Id = "watched" });
            return db.SaveChangesAsync();
        });
        var added = await StampAsync();
        Assert.NotEqual(initial, added);

        // Two saves of one context, and concurrent saves of several, each leave a new stamp; none waits for or fails on another.
        await _host.InDatabase(async db =>
        {
            (await db.Counters.SingleAsync(c => c.Id == "watched")).Value++;
            await db.SaveChangesAsync();
            Assert.NotEqual(added, await StampAsync());
            db.Counters.Add(new Counter { Id = "watched-again" });
            return await db.SaveChangesAsync();
        });
        var stamps = new HashSet<Guid> { initial, added, await StampAsync() };
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _host.InDatabase(db =>
        {
            db.Counters.Add(new Counter { Id = $"concurrent-{i}" });
            return db.SaveChangesAsync();
        })));
        Assert.True(stamps.Add(await StampAsync()));
        Assert.Equal(10, await _host.InDatabase(db => db.Counters.CountAsync()));
    }

    private Task<Guid> StampAsync() => _host.InDatabase(db => DataVersion.ReadAsync(db, CancellationToken.None));

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
