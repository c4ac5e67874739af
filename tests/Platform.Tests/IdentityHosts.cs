using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Hosting;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Tests.Probe;
using ReferralNet.Testing;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// Two processes of one deployment on one clock: the real ReferralNet host serving the organizations service, and a probe
/// host that does not run it and checks its callers through the platform alone (CheckMembership over real gRPC, events
/// carried by <see cref="EventBridge"/> the way a broker would carry them).
/// </summary>
public abstract class IdentityHosts(DatabaseProvider provider) : IAsyncLifetime
{
    /// <summary>The workload name of the probe host.</summary>
    public const string ProbeWorkload = "probe";

    /// <summary>How often the probe re-checks the caller of a stream.</summary>
    public static readonly TimeSpan StreamRecheck = TimeSpan.FromMinutes(1);

    /// <summary>How long the probe trusts a membership it read (long, so that tests see what events alone do).</summary>
    public static readonly TimeSpan MembershipRefresh = TimeSpan.FromHours(1);

    private WebApplication? _probe;
    private string? _probeDirectory;

    /// <summary>The clock of both processes.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>Carries the organizations host's events to the probe.</summary>
    public EventBridge Bridge { get; } = new();

    /// <summary>Holds CheckMembership answers on their way to the probe, to let a change overtake a read.</summary>
    public HeldAnswers HeldAnswers { get; } = new();

    /// <summary>The host that runs the organizations service.</summary>
    public OrganizationsHost Organizations { get; private set; } = null!;

    /// <summary>A channel to the probe host.</summary>
    public GrpcChannel Probe { get; private set; } = null!;

    /// <summary>The probe host's services.</summary>
    public IServiceProvider ProbeServices => _probe!.Services;

    /// <summary>What either host logged at Error level.</summary>
    public ServerErrorLog ServerErrors => Organizations.ServerErrors;

    /// <summary>Why these hosts cannot run here (PostgreSQL missing outside CI), or null.</summary>
    public string? SkipReason => Organizations.SkipReason;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Organizations = new OrganizationsHost(provider, Clock, Bridge);
        await Organizations.InitializeAsync();
        if (SkipReason is not null)
        {
            return;
        }

        _probe = await StartProbeAsync(Organizations, Clock, HeldAnswers, _probeDirectory = Directory.CreateTempSubdirectory("referralnet-probe-").FullName);
        Bridge.Target = _probe.Services.GetRequiredService<IEventBus>();
        Probe = GrpcChannel.ForAddress(AddressOf(_probe.Services));
    }

    /// <summary>
    /// Starts a probe host (a process that does not run the organizations service) wired to <paramref name="organizations"/>;
    /// <paramref name="peerAddress"/> overrides where it looks for the organizations service.
    /// </summary>
    public static async Task<WebApplication> StartProbeAsync(
        OrganizationsHost organizations, TimeProvider clock, Interceptor? peerInterceptor, string directory, string? peerAddress = null)
    {
        var auth = organizations.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = directory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReferralNet:Database:DataDirectory"] = directory,
            ["ReferralNet:Auth:DevIssuer"] = "true",
            ["ReferralNet:Auth:SigningKey"] = auth.SigningKey,
            ["ReferralNet:Auth:WorkloadName"] = ProbeWorkload,
            ["ReferralNet:Auth:MembershipRefresh"] = MembershipRefresh.ToString(),
            ["ReferralNet:Auth:StreamRecheck"] = StreamRecheck.ToString(),
            [IdentityExtensions.OrganizationsPeerKey] = peerAddress ?? AddressOf(organizations.Services),
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(organizations.ServerErrors);
        builder.Services.AddSingleton(clock);
        builder.AddPlatformDefaults();
        builder.Services.AddServiceDatabase<TestDbContext, TestDbContext, TestDbContext, TestDbContext>(builder.Configuration, "probe");
        builder.Services.AddGrpcEndpoint<ProbeEndpoint, TestDbContext>("probe", ProbeService.Descriptor.FullName);
        builder.AddOrganizationsPeer();
        if (peerInterceptor is not null)
        {
            builder.Services.Configure<GrpcClientFactoryOptions>(PeerMembershipSource.ClientName, client =>
                client.InterceptorRegistrations.Add(new InterceptorRegistration(InterceptorScope.Client, _ => peerInterceptor)));
        }

        var app = builder.Build();
        app.MapPlatformEndpoints();
        app.MapGrpcService<ProbeEndpoint>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreatedAsync();
        }

        await app.StartAsync();
        return app;
    }

    /// <summary>Call options carrying a workload token of <paramref name="workload"/>, signed with the deployment's key.</summary>
    public CallOptions AsWorkload(string workload) => Organizations.AsWorkload(workload);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Probe?.Dispose();
        if (_probe is not null)
        {
            await _probe.StopAsync();
            await _probe.DisposeAsync();
        }

        await Organizations.DisposeAsync();
        if (_probeDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_probeDirectory, recursive: true);
        }
    }

    /// <summary>The address a host listens on.</summary>
    public static string AddressOf(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}

/// <summary>The real ReferralNet host running the organizations service, on the shared clock, its events also sent to the bridge.</summary>
public sealed class OrganizationsHost(DatabaseProvider provider, FakeTimeProvider clock, EventBridge bridge) : ReferralNetFixture(provider, seedDemoData: false)
{
    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration =>
    [
        // Replaces the first of appsettings.json's workloads, so "cases" is not trusted here.
        new("ReferralNet:Auth:Workloads:0", IdentityHosts.ProbeWorkload),
    ];

    /// <inheritdoc />
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IEventBus>(provider => new BridgedBus(new InProcessEventBus(provider.GetServices<EventSubscription>(), provider), bridge));
    }

    private sealed class BridgedBus(InProcessEventBus local, EventBridge bridge) : IEventBus
    {
        public async Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
        {
            await local.PublishAsync(integrationEvent, cancellationToken);
            await bridge.ForwardAsync(integrationEvent, cancellationToken);
        }
    }
}

/// <summary>
/// Carries the organizations host's published events to the probe host's bus, as Dapr pub/sub carries them between
/// Deployments; it can hold events back (a slow or lost delivery) and replay old ones (a late redelivery).
/// </summary>
public sealed class EventBridge
{
    private readonly ConcurrentQueue<IntegrationEvent> _forwarded = new();
    private readonly ConcurrentQueue<IntegrationEvent> _held = new();
    private readonly ConcurrentDictionary<TaskCompletionSource, Func<IntegrationEvent, bool>> _waiters = new();
    private volatile Func<IntegrationEvent, bool> _hold = _ => false;

    /// <summary>The probe host's bus.</summary>
    public IEventBus? Target { get; set; }

    /// <summary>Holds back, from now on, the events <paramref name="matching"/> says.</summary>
    public void Hold(Func<IntegrationEvent, bool> matching) => _hold = matching;

    /// <summary>Forwards every event again.</summary>
    public void HoldNothing() => _hold = _ => false;

    /// <summary>Publishes <paramref name="integrationEvent"/> on the probe's bus as a broker would (also late, or again).</summary>
    public Task DeliverAsync(IntegrationEvent integrationEvent) => Target!.PublishAsync(integrationEvent, CancellationToken.None);

    /// <summary>Completes when an event <paramref name="matching"/> says was forwarded (or held), now or before.</summary>
    public async Task<IntegrationEvent> SeenAsync(Func<IntegrationEvent, bool> matching)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[waiter] = matching;
        try
        {
            if (!Seen().Any(matching))
            {
                await waiter.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }

            return Seen().First(matching);
        }
        finally
        {
            _waiters.TryRemove(waiter, out _);
        }
    }

    /// <summary>The MemberChanged event of <paramref name="memberId"/> at <paramref name="version"/>, once it was forwarded or held.</summary>
    public Task<IntegrationEvent> MemberChangedAsync(string memberId, long version) =>
        SeenAsync(e => Parse<MemberChanged>(e) is { } changed && changed.Member.Id == memberId && changed.Version == version);

    /// <summary>The event's payload when it is a <typeparamref name="TEvent"/>.</summary>
    public static TEvent? Parse<TEvent>(IntegrationEvent integrationEvent)
        where TEvent : class, IMessage<TEvent>, new() =>
        integrationEvent.EventType == new TEvent().Descriptor.FullName ? new MessageParser<TEvent>(() => new TEvent()).ParseFrom(integrationEvent.Payload) : null;

    internal async Task ForwardAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        if (Target is not null)
        {
            if (_hold(integrationEvent))
            {
                _held.Enqueue(integrationEvent);
            }
            else
            {
                await Target.PublishAsync(integrationEvent, cancellationToken);
                _forwarded.Enqueue(integrationEvent);
            }
        }

        foreach (var (waiter, matching) in _waiters)
        {
            if (matching(integrationEvent))
            {
                waiter.TrySetResult();
            }
        }
    }

    private IEnumerable<IntegrationEvent> Seen() => _forwarded.Concat(_held);
}

/// <summary>
/// A client interceptor on the probe's CheckMembership calls: holds the answer for one member, already read by the
/// directory, until the test lets it go, so that a change can commit and its event land while the read is on its way.
/// </summary>
public sealed class HeldAnswers : Interceptor
{
    private volatile Held? _held;

    /// <summary>Holds the next answer about <paramref name="memberId"/>.</summary>
    public Held HoldNext(string memberId) => _held = new Held(memberId);

    /// <inheritdoc />
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        if (request is not CheckMembershipRequest asked || _held is not { } held || held.MemberId != asked.MemberId)
        {
            return call;
        }

        _held = null;
        return new AsyncUnaryCall<TResponse>(HoldAsync(call.ResponseAsync, held), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private static async Task<TResponse> HoldAsync<TResponse>(Task<TResponse> answer, Held held)
    {
        var response = await answer;
        held.Answered.TrySetResult();
        await held.Released.Task;
        return response;
    }

    /// <summary>One held answer: <see cref="Answered"/> once the directory answered, released by <see cref="Released"/>.</summary>
    public sealed class Held(string memberId)
    {
        /// <summary>The member asked about.</summary>
        public string MemberId { get; } = memberId;

        /// <summary>Completes when the directory's answer arrived (the read is done).</summary>
        public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Complete it to let the answer reach the cache.</summary>
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The probe service: one member RPC, one long-lived stream and one audited stream, all under the platform's checks.</summary>
public sealed class ProbeEndpoint(CallerRecheck recheck, AuditScope audit) : ProbeService.ProbeServiceBase
{
    /// <inheritdoc />
    [Audited(AuditKind.Read, "number", "test")]
    public override async Task Count(CountRequest request, IServerStreamWriter<CountResponse> responseStream, ServerCallContext context)
    {
        for (var number = 1; number <= request.To; number++)
        {
            audit.Subject($"number-{number}");
            await responseStream.WriteAsync(new CountResponse { Number = number }, context.CancellationToken);
        }
    }

    /// <inheritdoc />
    [NotAudited("a test probe: answers the caller's own token claims")]
    public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var caller = Caller.Of(context);
        return Task.FromResult(new WhoAmIResponse
        {
            MemberId = caller.MemberId,
            OrganizationId = caller.OrganizationId,
            Profession = caller.Profession,
            OrganizationKind = caller.OrganizationKind?.ToString() ?? "",
        });
    }

    /// <inheritdoc />
    [NotAudited("a test probe: sends no data")]
    public override Task Watch(WatchRequest request, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context) =>
        recheck.RunAsync(context, async listening =>
        {
            await responseStream.WriteAsync(new WatchResponse { Message = "listening" }, listening);

            // Silent until the caller may no longer listen: an idle stream must end too, not only one that writes.
            await Task.Delay(Timeout.InfiniteTimeSpan, listening);
        });
}

/// <summary>The identity hosts with the directory on SQLite.</summary>
public sealed class SqliteIdentityHosts() : IdentityHosts(DatabaseProvider.Sqlite);

/// <summary>The identity hosts with the directory on PostgreSQL.</summary>
public sealed class PostgresIdentityHosts() : IdentityHosts(DatabaseProvider.Postgres);

/// <summary>One pair of hosts on SQLite for the identity tests.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteIdentityCollection : ICollectionFixture<SqliteIdentityHosts>
{
    public const string Name = "identity hosts on sqlite";
}

/// <summary>One pair of hosts on PostgreSQL for the identity tests.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresIdentityCollection : ICollectionFixture<PostgresIdentityHosts>
{
    public const string Name = "identity hosts on postgres";
}
