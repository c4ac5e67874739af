using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;
using ReferralNet.Testing;

namespace ReferralNet.Platform.Tests;

/// <summary>Two hosts, each with its own running dispatcher, on one PostgreSQL database: the shape of two replicas.</summary>
[Collection("platform")]
public sealed class OutboxReplicaTests
{
    private const int Aggregates = 8;
    private const int EventsPerAggregate = 30;

    [SkippableFact]
    public async Task Two_hosts_on_one_PostgreSQL_database_publish_every_event_once_and_each_aggregate_in_order()
    {
        Skip.If(PostgresCluster.Unavailable is not null, PostgresCluster.Unavailable);
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync("outbox");
        var deliveries = new DeliveryLog();

        // Batches smaller than the number of aggregates, so that neither dispatcher can take every head in one claim.
        var settings = new Dictionary<string, string?> { ["ReferralNet:Outbox:BatchSize"] = "3" };
        await using var first = new PlatformHost(DatabaseProvider.Postgres, database, deliveries, settings, "first");
        await using var second = new PlatformHost(DatabaseProvider.Postgres, database, deliveries, settings, "second");

        // Half the events wait as a backlog that both dispatchers find when they start; the rest are written through
        // both hosts while both dispatch. The events of one aggregate are written one after another, alternating hosts.
        await WriteAsync(first, second, versions: 1..(EventsPerAggregate / 2));
        await Task.WhenAll(first.App.StartAsync(), second.App.StartAsync());
        await WriteAsync(first, second, versions: (EventsPerAggregate / 2 + 1)..EventsPerAggregate);
        await deliveries.WaitForAsync(Aggregates * EventsPerAggregate, TimeSpan.FromSeconds(60));
        await Task.WhenAll(first.App.StopAsync(), second.App.StopAsync());

        var published = deliveries.Deliveries;
        Assert.Equal(Aggregates * EventsPerAggregate, published.Count);
        Assert.Equal(published.Count, published.Select(d => d.EventId).Distinct().Count());
        for (var aggregate = 0; aggregate < Aggregates; aggregate++)
        {
            Assert.Equal(
                Enumerable.Range(1, EventsPerAggregate).Select(v => (long)v),
                published.Where(d => d.Aggregate == $"org-{aggregate}").Select(d => d.Version));
        }

        Assert.Equal(["first", "second"], published.Select(d => d.Host).Distinct().Order());
        Assert.Equal(0, await first.InDatabase(db => db.Outbox.CountAsync(m => m.PublishedAt == null)));
        Assert.All(await first.InDatabase(db => db.Counters.ToListAsync()), counter => Assert.Equal(EventsPerAggregate, counter.Value));
        Assert.Empty(first.Errors.Errors.Concat(second.Errors.Errors));
    }

    private static Task WriteAsync(PlatformHost first, PlatformHost second, Range versions) =>
        Task.WhenAll(Enumerable.Range(0, Aggregates).Select(async aggregate =>
        {
            for (var version = versions.Start.Value; version <= versions.End.Value; version++)
            {
                var host = (aggregate + version) % 2 == 0 ? first : second;
                await host.CommitEventAsync($"org-{aggregate}", version);
            }
        }));
}
