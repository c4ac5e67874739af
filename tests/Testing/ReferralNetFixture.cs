using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using ReferralNet.Server;
using Xunit;

namespace ReferralNet.Testing;

/// <summary>
/// The real ReferralNet host (Program's own wiring) on a free loopback port, shared by one test collection, with a
/// database of its own on the given provider. Tests talk to it over a real HTTP/2 gRPC channel.
/// </summary>
public abstract class ReferralNetFixture(DatabaseProvider provider, bool seedDemoData) : IAsyncLifetime
{
    private WebApplication? _app;
    private string? _dataDirectory;
    private Dictionary<string, string?> _settings = [];

    /// <summary>The network administrator's e-mail in every test host.</summary>
    public const string NetworkAdminEmail = "admin@network-office.test";

    /// <summary>The provider under test.</summary>
    public DatabaseProvider Provider => provider;

    /// <summary>Why this fixture cannot run here (PostgreSQL missing outside CI), or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>An HTTP/2 channel to the host.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>The host's address (gRPC and REST share it).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>What the server logged at Error level.</summary>
    public ServerErrorLog ServerErrors { get; } = new();

    /// <summary>The host's data folder (SQLite files, development keys).</summary>
    public string DataDirectory => _dataDirectory ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>The host's services (for reading the database the way the service does).</summary>
    public IServiceProvider Services => _app!.Services;

    /// <summary>Extra configuration of a derived fixture.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Configuration => [];

    /// <summary>Services a derived fixture registers before the host's own (a clock, an event bus).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (provider == DatabaseProvider.Postgres && PostgresCluster.Unavailable is { } reason)
        {
            SkipReason = reason;
            return;
        }

        var dataDirectory = _dataDirectory = Directory.CreateTempSubdirectory("referralnet-test-").FullName;
        var settings = _settings = new Dictionary<string, string?>
        {
            ["ReferralNet:Database:Provider"] = provider.ToString(),
            ["ReferralNet:Database:DataDirectory"] = dataDirectory,
            ["ReferralNet:SeedDemoData"] = seedDemoData.ToString(),

            // The demo's referrals are seeded through the API after start; the directory and cases tests that share a demo
            // host would see them arrive while they run. The referrals demo test turns them on.
            ["ReferralNet:SeedDemoReferrals"] = "false",
            ["ReferralNet:Auth:DevIssuer"] = "true",
            ["ReferralNet:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["ReferralNet:Bootstrap:NetworkAdminEmail"] = NetworkAdminEmail,
        };
        if (provider == DatabaseProvider.Postgres)
        {
            var cluster = await PostgresCluster.Shared;
            settings["ConnectionStrings:organizations"] = await cluster.CreateDatabaseAsync("organizations");
            settings["ConnectionStrings:cases"] = await cluster.CreateDatabaseAsync("cases");
            settings["ConnectionStrings:referrals"] = await cluster.CreateDatabaseAsync("referrals");
            settings["ConnectionStrings:spanners"] = await cluster.CreateDatabaseAsync("spanners");
        }

        foreach (var (key, value) in Configuration)
        {
            settings[key] = value;
        }

        _app = BuildHost();
        await _app.InitializeAsync();
        Channel = await StartAsync(_app);
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>The host's configuration as command-line arguments, for the server's commands (verify-audit, dev-token).</summary>
    public string[] CommandLine => ["--environment", "Testing", .. _settings.Select(setting => $"--{setting.Key}={setting.Value}")];

    /// <summary>
    /// Starts another host on this fixture's database, as a second replica of the service would run: same configuration
    /// and keys, its own process state (caches, indexes, background writers), no migration or seeding of its own.
    /// </summary>
    public async Task<ReplicaHost> StartReplicaAsync()
    {
        var replica = BuildHost();
        return new ReplicaHost(replica, await StartAsync(replica));
    }

    private WebApplication BuildHost() =>
        ReferralNetHost.Build(["--environment", "Testing"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(_settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(ServerErrors);
            ConfigureServices(builder.Services);
        });

    private static async Task<GrpcChannel> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return GrpcChannel.ForAddress(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>Call options carrying a token for <paramref name="member"/>.</summary>
    public CallOptions As(MemberStanding member) => Bearer(Services.GetRequiredService<DevTokenIssuer>().Issue(member));

    /// <summary>Call options carrying a workload token of the service <paramref name="workload"/>.</summary>
    public CallOptions AsWorkload(string workload) => Bearer(Services.GetRequiredService<DevTokenIssuer>().IssueWorkload(workload));

    /// <summary>Call options carrying <paramref name="token"/> as the bearer token.</summary>
    public static CallOptions Bearer(string token) => new(new Metadata { { "authorization", $"Bearer {token}" } });

    /// <summary>The network administrator the host bootstrapped.</summary>
    public async Task<MemberStanding> NetworkAdminAsync() =>
        await Services.GetRequiredService<IMemberDirectory>().FindNetworkAdminAsync(CancellationToken.None)
        ?? throw new InvalidOperationException("The host has no network administrator.");

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_dataDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}

/// <summary>A second running host on a fixture's database.</summary>
/// <param name="App">The host.</param>
/// <param name="Channel">An HTTP/2 channel to it.</param>
public sealed record ReplicaHost(WebApplication App, GrpcChannel Channel) : IAsyncDisposable
{
    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>The host on SQLite, seeded with the demo directory of The Hague (as the embedded shape runs).</summary>
public sealed class SqliteFixture() : ReferralNetFixture(DatabaseProvider.Sqlite, seedDemoData: true);

/// <summary>The host on a real PostgreSQL server.</summary>
public sealed class PostgresFixture() : ReferralNetFixture(DatabaseProvider.Postgres, seedDemoData: false);
