using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ReferralNet.Platform.Audit;
using Status = Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// The subscriber side of the Dapr bus. With <c>app-protocol: grpc</c> the sidecar does not use HTTP routes
/// (<c>/dapr/subscribe</c>): it asks the app's <c>AppCallback</c> gRPC service which topics it wants
/// (<see cref="ListTopicSubscriptions"/>) and delivers each event to <see cref="OnTopicEvent"/>, which hands it to the
/// same idempotent subscriptions the in-process bus uses (the inbox makes a redelivery harmless). Answers: SUCCESS when
/// every handler took it; RETRY when one failed (the sidecar redelivers under its resiliency policy and dead-letters it
/// when that runs out); DROP for an event that can never be applied (not a ReferralNet CloudEvent, or a payload that does
/// not parse as its type), which the sidecar moves to the dead-letter topic at once.
/// </summary>
public sealed class DaprTopicEvents(
    IEnumerable<EventSubscription> subscriptions, IServiceProvider services, DaprOptions options, ILogger<DaprTopicEvents> logger) : AppCallback.AppCallbackBase
{
    /// <summary>The metadata key the sidecar presents the app API token in.</summary>
    public const string ApiTokenHeader = "dapr-api-token";

    private readonly ILookup<(string EventType, bool PerReplica), EventSubscription> _subscriptions =
        subscriptions.ToLookup(s => (s.EventType, s.PerReplica));

    private readonly byte[] _token = Encoding.UTF8.GetBytes(options.AppApiToken ?? "");

    /// <summary>One subscription per event type this process handles, on the component its handlers' kind needs.</summary>
    [NotAudited("lists topic names to the sidecar, no personal data")]
    public override Task<ListTopicSubscriptionsResponse> ListTopicSubscriptions(Empty request, ServerCallContext context)
    {
        EnsureSidecar(context);
        var response = new ListTopicSubscriptionsResponse();
        foreach (var group in _subscriptions.OrderBy(g => g.Key.EventType, StringComparer.Ordinal).ThenBy(g => g.Key.PerReplica))
        {
            response.Subscriptions.Add(new TopicSubscription
            {
                PubsubName = group.Key.PerReplica ? options.BroadcastPubSub : options.PubSub,
                Topic = DaprOptions.TopicOf(group.Key.EventType),

                // A replica's own memory gains nothing from a dead letter: the next change or the cache's refresh repairs it.
                DeadLetterTopic = group.Key.PerReplica ? "" : options.DeadLetterTopic,
            });
        }

        return Task.FromResult(response);
    }

    /// <summary>Applies one delivered event through every local subscription of its type and kind.</summary>
    [NotAudited("applies an integration event, no caller's request; handlers record what they change")]
    public override async Task<TopicEventResponse> OnTopicEvent(TopicEventRequest request, ServerCallContext context)
    {
        EnsureSidecar(context);
        bool? perReplica = request.PubsubName == options.PubSub ? false : request.PubsubName == options.BroadcastPubSub ? true : null;
        if (perReplica is null || Read(request) is not { } integrationEvent)
        {
            logger.LogWarning("Dropped event {EventId} on {PubSub}/{Topic}: not a ReferralNet CloudEvent of a subscribed topic", request.Id, request.PubsubName, request.Topic);
            return Answer(Status.Drop);
        }

        var handlers = _subscriptions[(integrationEvent.EventType, perReplica.Value)].ToList();
        if (handlers.Count == 0)
        {
            logger.LogWarning("Dropped event {EventId} ({EventType}) on {PubSub}: no handler here subscribes to it", integrationEvent.Id, integrationEvent.EventType, request.PubsubName);
            return Answer(Status.Drop);
        }

        try
        {
            await EventSubscription.DeliverAsync(services, handlers, integrationEvent, context.CancellationToken);
            return Answer(Status.Success);
        }
        catch (InvalidProtocolBufferException ex)
        {
            logger.LogError(ex, "Dropped event {EventId} ({EventType}) to the dead-letter topic: its payload does not parse", integrationEvent.Id, integrationEvent.EventType);
            return Answer(Status.Drop);
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Handlers that already applied it skip it by inbox when it comes again.
            logger.LogWarning(ex, "Event {EventId} ({EventType}) failed; the sidecar retries it", integrationEvent.Id, integrationEvent.EventType);
            return Answer(Status.Retry);
        }
    }

    /// <summary>The integration event a delivery carries, or null when it is not one of ours.</summary>
    public static IntegrationEvent? Read(TopicEventRequest request)
    {
        if (request.SpecVersion != "1.0"
            || !Guid.TryParse(request.Id, out var id)
            || string.IsNullOrEmpty(request.Type)
            || request.Topic != DaprOptions.TopicOf(request.Type)
            || request.DataContentType != DaprEventBus.PayloadContentType
            || request.Extensions?.Fields.GetValueOrDefault("time")?.StringValue is not { } time
            || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var occurredAt))
        {
            return null;
        }

        return new IntegrationEvent(id, request.Type, request.Data.ToByteArray(), occurredAt)
        {
            Subject = request.Extensions.Fields.GetValueOrDefault("subject")?.StringValue,
        };
    }

    // The app port also serves the ingress: only the sidecar, holding the app API token, may deliver events.
    private void EnsureSidecar(ServerCallContext context)
    {
        var presented = Encoding.UTF8.GetBytes(context.RequestHeaders.GetValue(ApiTokenHeader) ?? "");
        if (_token.Length == 0 || !CryptographicOperations.FixedTimeEquals(presented, _token))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "Only the Dapr sidecar delivers events."));
        }
    }

    private static TopicEventResponse Answer(Status status) => new() { Status = status };
}
