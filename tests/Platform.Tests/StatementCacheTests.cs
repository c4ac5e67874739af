using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// SQLite statements stay compiled across EF's commands on a connection (SqliteStatementCache). What SQLite holds is read
/// from the native connection itself: the statements it has prepared and not finalized, with their SQL.
/// </summary>
[Collection("platform")]
public sealed class StatementCacheTests : IAsyncLifetime
{
    private readonly PlatformHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_query_run_again_on_a_connection_runs_on_the_statement_it_compiled_the_first_time()
    {
        await _host.InDatabase(async db =>
        {
            db.Counters.AddRange(new Counter { Id = "cache-a", Value = 1 }, new Counter { Id = "cache-b", Value = 2 });
            await db.SaveChangesAsync();
            return 0;
        });

        await _host.InDatabase(async db =>
        {
            Assert.Equal(1, await ValueOf(db, "cache-a"));
            var first = StatementsOf(db, "cache_value");
            Assert.Equal(2, await ValueOf(db, "cache-b"));
            Assert.Null(await ValueOf(db, "cache-missing"));
            var after = StatementsOf(db, "cache_value");

            // Without the cache every command finalizes its statement when EF disposes it: none would be left.
            var kept = Assert.Single(first);
            Assert.Equal(kept, Assert.Single(after));
            return 0;
        });
    }

    [Fact]
    public async Task The_same_query_read_inside_its_own_open_reader_gets_a_statement_of_its_own()
    {
        await _host.InDatabase(async db =>
        {
            db.Counters.AddRange(Enumerable.Range(0, 3).Select(i => new Counter { Id = $"nested-{i}", Value = i }));
            await db.SaveChangesAsync();

            var outer = new List<int>();
            await foreach (var counter in Nested(db).AsAsyncEnumerable())
            {
                outer.Add(counter.Value);
                Assert.Equal([0, 1, 2], (await Nested(db).ToListAsync()).Select(c => c.Value));
            }

            Assert.Equal([0, 1, 2], outer);
            Assert.Single(StatementsOf(db, "nested_counters"));
            return 0;
        });

        static IQueryable<Counter> Nested(TestDbContext db) =>
            db.Counters.AsNoTracking().Where(c => c.Id.StartsWith("nested-")).OrderBy(c => c.Value).TagWith("nested_counters");
    }

    [Fact]
    public async Task A_statement_that_failed_is_not_kept_and_the_same_statement_runs_right_next()
    {
        const string insert = "INSERT INTO \"Counters\" (\"Id\", \"Value\") VALUES ({0}, {1}) -- failing_insert";
        await _host.InDatabase(async db =>
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(insert, "failing-1", 1));
            await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync(insert, "failing-1", 2));
            Assert.Empty(StatementsOf(db, "failing_insert"));

            // In a transaction and out of one again: the kept command runs in whichever the call runs in.
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(insert, "failing-2", 2));
                await transaction.RollbackAsync();
            }

            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(insert, "failing-3", 3));
            Assert.Single(StatementsOf(db, "failing_insert"));
            Assert.Equal(["failing-1", "failing-3"], await db.Counters.Where(c => c.Id.StartsWith("failing-")).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync());
            return 0;
        });
    }

    [Fact]
    public async Task A_save_that_lost_a_concurrency_race_leaves_the_next_save_of_the_same_shape_right()
    {
        await _host.InDatabase(async db =>
        {
            db.Counters.Add(new Counter { Id = "raced", Value = 1 });
            await db.SaveChangesAsync();
            return 0;
        });

        await _host.InDatabase(async db =>
        {
            var stale = await db.Counters.SingleAsync(c => c.Id == "raced");
            await db.Counters.Where(c => c.Id == "raced").ExecuteUpdateAsync(set => set.SetProperty(c => c.Value, 5));
            stale.Value = 2;
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());

            db.ChangeTracker.Clear();
            var fresh = await db.Counters.SingleAsync(c => c.Id == "raced");
            fresh.Value = 6;
            await db.SaveChangesAsync();
            return 0;
        });

        Assert.Equal(6, await _host.InDatabase(db => db.Counters.Where(c => c.Id == "raced").Select(c => c.Value).SingleAsync()));
    }

    [Fact]
    public async Task A_connection_keeps_no_more_statements_than_its_bound()
    {
        await _host.InDatabase(async db =>
        {
            for (var i = 0; i < SqliteStatementCache.StatementsPerConnection * 2; i++)
            {
                var sql = $"SELECT {i} AS \"Value\" -- distinct_statement";
                Assert.Equal(i, await db.Database.SqlQueryRaw<int>(sql).SingleAsync());
            }

            Assert.Equal(SqliteStatementCache.StatementsPerConnection, StatementsOf(db, "distinct_statement").Count);
            return 0;
        });
    }

    private static Task<int?> ValueOf(TestDbContext db, string id) =>
        db.Counters.Where(c => c.Id == id).Select(c => (int?)c.Value).TagWith("cache_value").FirstOrDefaultAsync();

    // The statements SQLite holds prepared on the context's connection whose SQL carries the marker, by native handle.
    // Asked of SQLite directly: SQLitePCL's own sqlite3_next_stmt knows only statements prepared after it was enabled.
    private static List<IntPtr> StatementsOf(TestDbContext db, string marker)
    {
        var connection = ((SqliteConnection)db.Database.GetDbConnection()).Handle!.DangerousGetHandle();
        var found = new List<IntPtr>();
        for (var statement = NextStatement(connection, IntPtr.Zero); statement != IntPtr.Zero; statement = NextStatement(connection, statement))
        {
            if (Marshal.PtrToStringUTF8(SqlOf(statement))?.Contains(marker, StringComparison.Ordinal) == true)
            {
                found.Add(statement);
            }
        }

        return found;
    }

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_next_stmt")]
    private static extern IntPtr NextStatement(IntPtr connection, IntPtr statement);

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_sql")]
    private static extern IntPtr SqlOf(IntPtr statement);
}
