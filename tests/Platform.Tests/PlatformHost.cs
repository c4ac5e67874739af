using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Platform.Tests;

/// <summary>A service database made only of the platform tables plus a counter, registered the way services register theirs.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : ServiceDbContext(options)
{
    public DbSet<Counter> Counters => Set<Counter>();
}

public sealed class Counter
{
    public required string Id { get; init; }

    [System.ComponentModel.DataAnnotations.ConcurrencyCheck]
    public int Value { get; set; }
}

/// <summary>Counts OrganizationChanged events into a row; throws while <see cref="FailuresLeft"/> is above zero.</summary>
public sealed class CountingHandler : IIntegrationEventHandler<TestDbContext, OrganizationChanged>
{
    public static int FailuresLeft;

    public async Task HandleAsync(TestDbContext db, OrganizationChanged integrationEvent, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref FailuresLeft) >= 0)
        {
            throw new InvalidOperationException("The subscriber is down.");
        }

        var counter = await db.Counters.FindAsync([integrationEvent.Organization.Id], cancellationToken);
        if (counter is null)
        {
            db.Counters.Add(new Counter { Id = integrationEvent.Organization.Id, Value = 1 });
        }
        else
        {
            counter.Value++;
        }
    }
}

/// <summary>The platform's registration of one service database, on a temporary SQLite file, hosted services not started.</summary>
public sealed class PlatformHost : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("referralnet-platform-").FullName;

    public PlatformHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ReferralNet:Database:DataDirectory"] = _directory;
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.AddSingleton<IEventBus, InProcessEventBus>();
        builder.Services.AddSingleton(EventSubscription.For<TestDbContext, OrganizationChanged, CountingHandler>());
        builder.Services.AddTransient<CountingHandler>();
        builder.Services.AddServiceDatabase<TestDbContext, TestDbContext, TestDbContext, TestDbContext>(builder.Configuration, "platform-test", new DataVersionStamp(typeof(Counter)));
        App = builder.Build();
        using var scope = App.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreated();
    }

    public IHost App { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public async Task<T> InDatabase<T>(Func<TestDbContext, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TestDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        App.Dispose();
        await Task.Yield();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
