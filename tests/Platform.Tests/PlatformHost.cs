using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReferralNet.Contracts.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;
using ReferralNet.Testing;

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

/// <summary>How a host's subscriber behaves: the next deliveries fail, a poisoned event always fails, or deliveries wait.</summary>
public sealed class Subscriber
{
    /// <summary>The name that marks an event the subscriber can never take.</summary>
    public const string Poison = "poison";

    public int FailuresLeft;

    /// <summary>While set, deliveries wait for it (a dispatcher stuck in a publish, as if its host had died).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Completes when <see cref="HoldersAwaited"/> deliveries wait for <see cref="Hold"/> at once.</summary>
    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many waiting deliveries complete <see cref="Holding"/>.</summary>
    public int HoldersAwaited { get; set; } = 1;

    /// <summary>Deliveries waiting for <see cref="Hold"/> now.</summary>
    public int Holders;
}

/// <summary>Counts OrganizationChanged events into a row; fails as its host's <see cref="Subscriber"/> says.</summary>
public sealed class CountingHandler(Subscriber subscriber) : IIntegrationEventHandler<TestDbContext, OrganizationChanged>
{
    public async Task HandleAsync(TestDbContext db, OrganizationChanged integrationEvent, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (subscriber.Hold is { } hold)
        {
            if (Interlocked.Increment(ref subscriber.Holders) >= subscriber.HoldersAwaited)
            {
                subscriber.Holding.TrySetResult();
            }

            await hold.Task.WaitAsync(cancellationToken);
            Interlocked.Decrement(ref subscriber.Holders);
        }

        if (Interlocked.Decrement(ref subscriber.FailuresLeft) >= 0 || integrationEvent.Organization.Name == Subscriber.Poison)
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

/// <summary>
/// A second view of OrganizationChanged in the same service database: the latest version seen per organization, in a row
/// of its own. Never fails, so it shows what a healthy handler keeps when the other handler of the event fails.
/// </summary>
public sealed class LatestVersionHandler : IIntegrationEventHandler<TestDbContext, OrganizationChanged>
{
    public static string RowOf(string organization) => $"latest:{organization}";

    public async Task HandleAsync(TestDbContext db, OrganizationChanged integrationEvent, EventMetadata metadata, CancellationToken cancellationToken)
    {
        var id = RowOf(integrationEvent.Organization.Id);
        if (await db.Counters.FindAsync([id], cancellationToken) is { } latest)
        {
            latest.Value = Math.Max(latest.Value, (int)integrationEvent.Version);
        }
        else
        {
            db.Counters.Add(new Counter { Id = id, Value = (int)integrationEvent.Version });
        }
    }
}

/// <summary>Counts the transactions SaveChanges committed on a host's service database.</summary>
public sealed class SaveCounter : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
{
    private int _saves;

    public int Saves => Volatile.Read(ref _saves);

    public override ValueTask<int> SavedChangesAsync(Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _saves);
        return ValueTask.FromResult(result);
    }
}

/// <summary>Counts the UPDATE statements run on a host's service database (ExecuteUpdate and saved changes alike).</summary>
public sealed class UpdateCounter : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
{
    private int _updates;

    public int Updates => Volatile.Read(ref _updates);

    public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
        System.Data.Common.DbCommand command,
        Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("UPDATE ", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _updates);
        }

        return ValueTask.FromResult(result);
    }
}

/// <summary>One event as the bus took it: which host published it, and the organization and version it carried.</summary>
public sealed record Delivery(string Host, Guid EventId, string Aggregate, long Version);

/// <summary>
/// Every event the bus took, in the order it took them, across the hosts that share the log. It sits in front of the
/// real in-process bus and records only publishes that bus completed; subscribers' inboxes hide duplicates, this does not.
/// </summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    public IEventBus Around(IEventBus bus, string host) => new RecordingBus(bus, host, this);

    /// <summary>Waits until at least <paramref name="count"/> events were taken, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (_deliveries.Count < count)
        {
            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{_deliveries.Count} of {count} events were published within {timeout}.");
            }
        }
    }

    private void Add(Delivery delivery)
    {
        _deliveries.Enqueue(delivery);
        _arrived.Release();
    }

    private sealed class RecordingBus(IEventBus bus, string host, DeliveryLog log) : IEventBus
    {
        public async Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
        {
            await bus.PublishAsync(integrationEvent, cancellationToken);
            var change = OrganizationChanged.Parser.ParseFrom(integrationEvent.Payload);
            log.Add(new Delivery(host, integrationEvent.Id, change.Organization.Id, change.Version));
        }
    }
}

/// <summary>
/// The platform's registration of one service database, the way services register theirs, hosted services not started
/// unless a test starts them. By default on a temporary SQLite file; hosts given one connection string share a database.
/// </summary>
public sealed class PlatformHost : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("referralnet-platform-").FullName;

    public PlatformHost(
        DatabaseProvider provider = DatabaseProvider.Sqlite,
        string? connectionString = null,
        DeliveryLog? deliveries = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        string name = "host",
        bool web = false,
        bool twoHandlers = false)
    {
        // Content root in the temporary folder: no appsettings file of the referenced server applies to this host.
        // A web host also serves gRPC on loopback (the Dapr subscriber endpoint), as the real host does.
        IHostApplicationBuilder builder = web
            ? WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _directory, EnvironmentName = "Testing" })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory, EnvironmentName = "Testing" });
        builder.Configuration["ReferralNet:Database:DataDirectory"] = _directory;
        builder.Configuration["ReferralNet:Database:Provider"] = provider.ToString();
        builder.Configuration["ConnectionStrings:platform-test"] = connectionString;
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.AddProvider(Errors);
        Deliveries = deliveries ?? new DeliveryLog();
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.Configure<PersistenceOptions>(builder.Configuration.GetSection(PersistenceOptions.Section));
        builder.Services.AddSingleton<SecretKeys>();
        builder.Services.AddSingleton(Subscriber);
        builder.Services.AddSingleton(services => Deliveries.Around(ActivatorUtilities.CreateInstance<InProcessEventBus>(services), name));
        builder.Services.AddSingleton(EventSubscription.For<TestDbContext, OrganizationChanged, CountingHandler>());
        builder.Services.AddTransient<CountingHandler>();
        if (twoHandlers)
        {
            builder.Services.AddSingleton(EventSubscription.For<TestDbContext, OrganizationChanged, LatestVersionHandler>());
            builder.Services.AddTransient<LatestVersionHandler>();
        }

        builder.Services.AddServiceDatabase<TestDbContext, TestDbContext, TestDbContext, TestDbContext>(builder.Configuration, "platform-test", new DataVersionStamp(typeof(Counter)), Saves, Updates);
        if (builder is WebApplicationBuilder webBuilder)
        {
            webBuilder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            webBuilder.Services.AddGrpc();
            webBuilder.AddDapr(new ReferralNetOptions { Services = ["platform-test"] });
            var app = webBuilder.Build();
            app.MapDapr();
            App = app;
        }
        else
        {
            App = ((HostApplicationBuilder)builder).Build();
        }

        using var scope = App.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreated();
    }

    public IHost App { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public Subscriber Subscriber { get; } = new();

    /// <summary>The transactions SaveChanges committed on this host's database.</summary>
    public SaveCounter Saves { get; } = new();

    /// <summary>The UPDATE statements run on this host's database.</summary>
    public UpdateCounter Updates { get; } = new();

    /// <summary>Every event this host's bus took (shared with other hosts when they were given the same log).</summary>
    public DeliveryLog Deliveries { get; }

    /// <summary>What the host logged at Error level.</summary>
    public ServerErrorLog Errors { get; } = new();

    /// <summary>The address a web host listens on, once started.</summary>
    public string Address => App.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();

    public OutboxDispatcher<TestDbContext> Dispatcher =>
        App.Services.GetServices<IHostedService>().OfType<OutboxDispatcher<TestDbContext>>().Single();

    /// <summary>The SQLite connection string of this host's database, for a second host on the same file.</summary>
    public string SqliteConnectionString => $"Data Source={Path.Combine(_directory, "platform-test.db")}";

    public async Task<T> InDatabase<T>(Func<TestDbContext, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TestDbContext>());
    }

    /// <summary>Commits one OrganizationChanged event of <paramref name="organization"/> in its own transaction.</summary>
    public Task<Guid> CommitEventAsync(string organization, long version, string name = "") => InDatabase(async db =>
    {
        var added = db.AddEvent(new OrganizationChanged { Organization = new Organization { Id = organization, Name = name }, Version = version }, Clock.GetUtcNow());
        await db.SaveChangesAsync();
        return added.Id;
    });

    public async ValueTask DisposeAsync()
    {
        if (App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested)
        {
            await App.StopAsync();
        }

        App.Dispose();
        await Task.Yield();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
