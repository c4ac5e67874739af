using System.Text.Json;
using Dapr.Client;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// The distributed shape's bus: hands each event to the Dapr sidecar's pub/sub (one topic per event type). Publishing
/// completes when the sidecar has handed the event to the broker, so a failure leaves the row in the outbox to retry.
/// </summary>
public sealed class DaprEventBus(DaprClient dapr, DaprOptions options) : IEventBus
{
    /// <summary>The content type of an envelope the app builds itself: the sidecar then forwards it as it is, without wrapping.</summary>
    public const string CloudEventContentType = "application/cloudevents+json";

    /// <summary>The content type of the payload inside the envelope.</summary>
    public const string PayloadContentType = "application/protobuf";

    /// <inheritdoc />
    public Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        // Kafka keys its partitions by this, so one object's events stay in order in one partition; other brokers ignore it.
        var metadata = integrationEvent.Subject is { } subject ? new Dictionary<string, string> { ["partitionKey"] = subject } : null;
        return dapr.PublishByteEventAsync(
            options.PubSub, DaprOptions.TopicOf(integrationEvent.EventType), Envelope(integrationEvent, options.Source!), CloudEventContentType, metadata, cancellationToken);
    }

    /// <summary>
    /// The CloudEvents 1.0 envelope (JSON format) of <paramref name="integrationEvent"/>: its id (what subscribers deduplicate on),
    /// its protobuf type, the publishing service as source, the object it is about as subject, when it happened, and the
    /// protobuf payload as <c>data_base64</c>, which the sidecar decodes back into bytes for a gRPC subscriber.
    /// </summary>
    public static byte[] Envelope(IntegrationEvent integrationEvent, string source)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("specversion", "1.0");
            json.WriteString("id", integrationEvent.Id.ToString());
            json.WriteString("source", source);
            json.WriteString("type", integrationEvent.EventType);
            if (integrationEvent.Subject is { } subject)
            {
                json.WriteString("subject", subject);
            }

            json.WriteString("time", integrationEvent.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("datacontenttype", PayloadContentType);
            json.WriteBase64String("data_base64", integrationEvent.Payload);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
