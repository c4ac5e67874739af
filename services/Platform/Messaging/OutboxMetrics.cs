using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ReferralNet.Platform.Messaging;

/// <summary>
/// The outbox's OpenTelemetry instruments, tagged by service: events published and dead-lettered (counters), and the
/// backlog (gauges). A gauge callback runs on the exporter's thread and must not query a database, so each dispatcher
/// reports its backlog after its rounds and the gauges read that report; the age is computed at read time.
/// </summary>
public sealed class OutboxMetrics
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "ReferralNet.Outbox";

    private readonly ConcurrentDictionary<string, Backlog> _backlogs = new(StringComparer.Ordinal);
    private readonly Counter<long> _published;
    private readonly Counter<long> _deadLettered;
    private readonly TimeProvider _time;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    public OutboxMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        _published = meter.CreateCounter<long>("referralnet.outbox.published", "{event}", "Events the bus took.");
        _deadLettered = meter.CreateCounter<long>(
            "referralnet.outbox.dead_lettered", "{event}", "Events given up on after their last attempt; an operator must act.");
        meter.CreateObservableGauge(
            "referralnet.outbox.pending",
            () => _backlogs.Select(b => new Measurement<long>(b.Value.Pending, Tag(b.Key))),
            "{event}",
            "Events waiting to be published, including those backing off after a failure.");
        meter.CreateObservableGauge(
            "referralnet.outbox.oldest_pending_age",
            () => _backlogs.Select(b => new Measurement<double>(b.Value.AgeAt(_time.GetUtcNow()).TotalSeconds, Tag(b.Key))),
            "s",
            "How long ago the change of the oldest waiting event happened; zero when none waits.");
    }

    internal void Published(string service, int count) => _published.Add(count, Tag(service));

    internal void DeadLettered(string service) => _deadLettered.Add(1, Tag(service));

    internal void Report(string service, long pending, DateTimeOffset? oldestOccurredAt) =>
        _backlogs[service] = new Backlog(pending, oldestOccurredAt);

    private static KeyValuePair<string, object?> Tag(string service) => new("service", service);

    private sealed record Backlog(long Pending, DateTimeOffset? OldestOccurredAt)
    {
        public TimeSpan AgeAt(DateTimeOffset now) =>
            OldestOccurredAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
    }
}
