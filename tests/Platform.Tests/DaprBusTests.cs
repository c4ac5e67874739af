using System.Text.Json.Nodes;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReferralNet.Contracts.V1;
using ReferralNet.Platform.Messaging;
using ReferralNet.Server;
using Status = Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// The Dapr bus without a Dapr runtime: the outbox publishes through the real Dapr client to a sidecar that records what
/// arrives at Dapr's publish API, and what it recorded is delivered back to a real host's AppCallback service the way
/// the sidecar delivers to a gRPC app.
/// </summary>
[Collection("platform")]
public sealed class DaprBusTests : IAsyncLifetime
{
    private const string AppToken = "app-token-of-the-test-sidecar";
    private RecordingSidecar _sidecar = null!;
    private PlatformHost _host = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await RecordingSidecar.StartAsync();
        _host = new PlatformHost(settings: DaprSettings(_sidecar), web: true);
        await _host.App.StartAsync();
        _channel = GrpcChannel.ForAddress(_host.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task The_outbox_hands_the_sidecar_one_CloudEvent_on_the_topic_of_its_type()
    {
        var id = await _host.CommitEventAsync("o-1", 7, "Wijkteam Moerwijk");

        var published = Assert.Single(await _sidecar.WaitForPublishedAsync(1));
        Assert.Equal("referralnet-pubsub", published.PubsubName);
        Assert.Equal("referralnet.v1.OrganizationChanged", published.Topic);
        Assert.Equal("application/cloudevents+json", published.DataContentType);
        Assert.Equal("o-1", published.Metadata["partitionKey"]);
        var cloudEvent = JsonNode.Parse(published.Data.Span)!.AsObject();
        Assert.Equal("1.0", (string?)cloudEvent["specversion"]);
        Assert.Equal(id.ToString(), (string?)cloudEvent["id"]);
        Assert.Equal("/referralnet/platform-test", (string?)cloudEvent["source"]);
        Assert.Equal("referralnet.v1.OrganizationChanged", (string?)cloudEvent["type"]);
        Assert.Equal("o-1", (string?)cloudEvent["subject"]);
        Assert.Equal(_host.Clock.GetUtcNow(), DateTimeOffset.Parse((string)cloudEvent["time"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("application/protobuf", (string?)cloudEvent["datacontenttype"]);
        var change = OrganizationChanged.Parser.ParseFrom(Convert.FromBase64String((string)cloudEvent["data_base64"]!));
        Assert.Equal(new OrganizationChanged { Organization = new Organization { Id = "o-1", Name = "Wijkteam Moerwijk" }, Version = 7 }, change);
        await Eventually(async () => (await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync())).PublishedAt is not null);
    }

    [Fact]
    public async Task A_broker_outage_leaves_the_event_in_the_outbox_to_retry()
    {
        _sidecar.PublishFailure = StatusCode.Unavailable;
        await _host.CommitEventAsync("o-1", 1);

        // The host's dispatcher tries at once (three times, Polly), then backs off on the test clock, which stands still.
        await Eventually(async () => (await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync())).LastError is not null);
        var row = await _host.InDatabase(db => db.Outbox.AsNoTracking().SingleAsync());
        Assert.Null(row.PublishedAt);
        Assert.Equal(1, row.Attempts);
        Assert.StartsWith("DaprException: Publish operation failed", row.LastError);
        Assert.Empty(_sidecar.Published);
    }

    [Fact]
    public async Task An_event_delivered_twice_as_the_sidecar_delivers_it_is_applied_once()
    {
        var id = await _host.CommitEventAsync("o-1", 1);
        var delivery = AsSidecarDelivers(Assert.Single(await _sidecar.WaitForPublishedAsync(1)));

        Assert.Equal(Status.Success, (await OnTopicEventAsync(delivery)).Status);
        Assert.Equal(Status.Success, (await OnTopicEventAsync(delivery)).Status);

        Assert.Equal(1, await _host.InDatabase(db => db.Counters.Where(c => c.Id == "o-1").Select(c => c.Value).SingleAsync()));
        Assert.Equal(1, await _host.InDatabase(db => db.Inbox.CountAsync(i => i.EventId == id)));
    }

    [Fact]
    public async Task A_failing_handler_answers_retry_and_the_redelivery_applies_it_once()
    {
        await _host.CommitEventAsync("o-1", 1);
        var delivery = AsSidecarDelivers(Assert.Single(await _sidecar.WaitForPublishedAsync(1)));
        _host.Subscriber.FailuresLeft = 1;

        Assert.Equal(Status.Retry, (await OnTopicEventAsync(delivery)).Status);
        Assert.Equal(0, await _host.InDatabase(db => db.Counters.CountAsync()));
        Assert.Equal(Status.Success, (await OnTopicEventAsync(delivery)).Status);
        Assert.Equal(1, await _host.InDatabase(db => db.Counters.Where(c => c.Id == "o-1").Select(c => c.Value).SingleAsync()));
    }

    [Fact]
    public async Task An_event_that_can_never_be_applied_is_dropped_to_the_dead_letter_topic()
    {
        await _host.CommitEventAsync("o-1", 1);
        var delivery = AsSidecarDelivers(Assert.Single(await _sidecar.WaitForPublishedAsync(1)));

        var garbled = delivery.Clone();
        garbled.Data = ByteString.CopyFrom(0xff, 0xff, 0xff);
        Assert.Equal(Status.Drop, (await OnTopicEventAsync(garbled)).Status);

        var noId = delivery.Clone();
        noId.Id = "";
        Assert.Equal(Status.Drop, (await OnTopicEventAsync(noId)).Status);

        var otherTopic = delivery.Clone();
        otherTopic.Topic = "referralnet.v1.MemberChanged";
        Assert.Equal(Status.Drop, (await OnTopicEventAsync(otherTopic)).Status);

        var otherComponent = delivery.Clone();
        otherComponent.PubsubName = "someone-elses-pubsub";
        Assert.Equal(Status.Drop, (await OnTopicEventAsync(otherComponent)).Status);

        Assert.Equal(0, await _host.InDatabase(db => db.Counters.CountAsync()));
        Assert.Equal(0, await _host.InDatabase(db => db.Inbox.CountAsync()));
    }

    [Fact]
    public async Task Only_the_sidecar_with_the_app_token_may_deliver()
    {
        await _host.CommitEventAsync("o-1", 1);
        var delivery = AsSidecarDelivers(Assert.Single(await _sidecar.WaitForPublishedAsync(1)));

        var refused = await Assert.ThrowsAsync<RpcException>(() => OnTopicEventAsync(delivery, token: "guessed").ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        refused = await Assert.ThrowsAsync<RpcException>(() => OnTopicEventAsync(delivery, token: null).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(0, await _host.InDatabase(db => db.Counters.CountAsync()));
    }

    [Fact]
    public async Task Readiness_follows_the_sidecar()
    {
        var health = _host.App.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(check => check.Name == DaprSidecarHealthCheck.Name)).Status);

        _sidecar.HealthStatus = StatusCodes.Status500InternalServerError;
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(check => check.Name == DaprSidecarHealthCheck.Name)).Status);
    }

    [Fact]
    public async Task The_cases_host_subscribes_its_database_handlers_once_per_service_and_its_cache_per_replica()
    {
        var directory = Directory.CreateTempSubdirectory("referralnet-dapr-cases-").FullName;
        try
        {
            await using var app = ReferralNetHost.Build(["--environment", "Testing"], builder =>
            {
                builder.Configuration.AddInMemoryCollection([
                    new("ReferralNet:Services:0", "cases"),
                    new("ReferralNet:Database:DataDirectory", directory),
                    new("ReferralNet:Auth:DevIssuer", "true"),
                    .. DaprSettings(_sidecar)]);
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                builder.Logging.ClearProviders();
            });
            await app.StartAsync();
            using var channel = GrpcChannel.ForAddress(app.Urls.First());
            var subscriptions = (await channel.CreateCallInvoker().AsyncUnaryCall(ListTopicSubscriptions, null, Sidecar(AppToken), new Empty())).Subscriptions;

            var byTopic = subscriptions.ToLookup(s => s.Topic);
            Assert.Equal(subscriptions.Count, subscriptions.Select(s => (s.Topic, s.PubsubName)).Distinct().Count());
            Assert.All(subscriptions.Where(s => s.PubsubName == "referralnet-pubsub"), s => Assert.Equal("referralnet-dead-letter", s.DeadLetterTopic));
            Assert.Equal(["referralnet-broadcast", "referralnet-pubsub"], byTopic["referralnet.v1.MemberChanged"].Select(s => s.PubsubName).Order());
            Assert.Equal(["referralnet-broadcast", "referralnet-pubsub"], byTopic["referralnet.v1.OrganizationChanged"].Select(s => s.PubsubName).Order());
            Assert.Equal(["referralnet-pubsub"], byTopic["referralnet.v1.ReferralStatusChanged"].Select(s => s.PubsubName));
            Assert.Equal(["referralnet-pubsub"], byTopic["referralnet.v1.SpannerAssigned"].Select(s => s.PubsubName));
            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Dapr_needs_the_app_token_the_sidecar_presents()
    {
        var settings = DaprSettings(_sidecar).Where(s => s.Key != "ReferralNet:Dapr:AppApiToken");
        var error = Assert.Throws<InvalidOperationException>(() => new PlatformHost(settings: settings.ToDictionary(), web: true));
        Assert.Contains("APP_API_TOKEN", error.Message);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 20 s.");
            await Task.Delay(20);
        }
    }

    /// <summary>The configuration of a process beside <paramref name="sidecar"/>.</summary>
    public static Dictionary<string, string?> DaprSettings(RecordingSidecar sidecar) => new()
    {
        ["ReferralNet:Dapr:Enabled"] = "true",
        ["ReferralNet:Dapr:AppApiToken"] = AppToken,
        ["ReferralNet:Dapr:GrpcEndpoint"] = sidecar.GrpcEndpoint,
        ["ReferralNet:Dapr:HttpEndpoint"] = sidecar.HttpEndpoint,
    };

    /// <summary>
    /// The delivery a sidecar makes to a gRPC app from a published CloudEvent (daprd's gRPC subscriber path): the
    /// envelope's attributes in their fields, <c>data_base64</c> decoded into bytes, every other attribute, including the
    /// ones the sidecar adds (pub/sub name, topic, trace context), in <c>extensions</c>.
    /// </summary>
    private static TopicEventRequest AsSidecarDelivers(PublishEventRequest published)
    {
        var cloudEvent = JsonNode.Parse(published.Data.Span)!.AsObject();
        cloudEvent["pubsubname"] = published.PubsubName;
        cloudEvent["topic"] = published.Topic;
        cloudEvent["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var extensions = new Struct();
        foreach (var (name, value) in cloudEvent)
        {
            if (name is not ("id" or "source" or "type" or "specversion" or "datacontenttype" or "data" or "data_base64"))
            {
                extensions.Fields[name] = Value.ForString(value!.GetValue<string>());
            }
        }

        return new TopicEventRequest
        {
            Id = (string)cloudEvent["id"]!,
            Source = (string)cloudEvent["source"]!,
            Type = (string)cloudEvent["type"]!,
            SpecVersion = (string)cloudEvent["specversion"]!,
            DataContentType = (string)cloudEvent["datacontenttype"]!,
            Data = ByteString.FromBase64((string)cloudEvent["data_base64"]!),
            Topic = published.Topic,
            PubsubName = published.PubsubName,
            Extensions = extensions,
        };
    }

    private AsyncUnaryCall<TopicEventResponse> OnTopicEventAsync(TopicEventRequest request, string? token = AppToken) =>
        _channel.CreateCallInvoker().AsyncUnaryCall(OnTopicEvent, null, Sidecar(token), request);

    private static CallOptions Sidecar(string? token) =>
        new(token is null ? [] : new Metadata { { DaprTopicEvents.ApiTokenHeader, token } }, DateTime.UtcNow.AddSeconds(30));

    // Dapr.Protos carries only the server side of AppCallback; these are the sidecar's side of the same two methods.
    private static readonly Method<TopicEventRequest, TopicEventResponse> OnTopicEvent =
        RecordingSidecar.Unary(AppCallback.Descriptor.FullName, "OnTopicEvent", TopicEventRequest.Parser, TopicEventResponse.Parser);

    private static readonly Method<Empty, ListTopicSubscriptionsResponse> ListTopicSubscriptions =
        RecordingSidecar.Unary(AppCallback.Descriptor.FullName, "ListTopicSubscriptions", Empty.Parser, ListTopicSubscriptionsResponse.Parser);
}
