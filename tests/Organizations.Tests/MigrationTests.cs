using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReferralNet.Organizations.Data;

namespace ReferralNet.Organizations.Tests;

/// <summary>The SQLite migrations apply as whole transactions and keep what an earlier version stored.</summary>
public sealed class MigrationTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"referralnet-migration-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_outbox_rebuild_runs_in_one_transaction_and_keeps_pending_events_in_the_order_they_occurred()
    {
        var nonTransactional = new List<string>();
        await using var db = new SqliteOrganizationsDbContext(new DbContextOptionsBuilder<SqliteOrganizationsDbContext>()
            .UseSqlite($"Data Source={_file}")
            .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Warning)))
            .LogTo(message => nonTransactional.Add(message), [RelationalEventId.NonTransactionalMigrationOperationWarning])
            .Options);
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_OutboxLeases", StringComparison.Ordinal)) - 1];
        await migrator.MigrateAsync(before);

        // Three events of the earlier schema (keyed by id), inserted out of their order of occurrence.
        Guid first = Guid.NewGuid(), second = Guid.NewGuid(), third = Guid.NewGuid();
        foreach (var (id, occurredAt) in new[] { (second, 2000L), (first, 1000L), (third, 3000L) })
        {
            var storedId = id.ToString().ToUpperInvariant();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO outbox (Id, EventType, Payload, OccurredAt, Attempts, NextAttemptAt, PublishedAt, LastError)
                VALUES ({storedId}, 'referralnet.v1.ServiceChanged', x'0a00', {occurredAt}, 0, {occurredAt}, NULL, NULL)
                """);
        }

        await db.Database.MigrateAsync();

        Assert.Empty(nonTransactional);
        var rows = await db.Outbox.AsNoTracking().OrderBy(m => m.Position).Select(m => new { m.Id, m.Position }).ToListAsync();
        Assert.Equal([first, second, third], rows.Select(r => r.Id));
        Assert.Equal(rows.Count, rows.Select(r => r.Position).Distinct().Count());
    }
}
