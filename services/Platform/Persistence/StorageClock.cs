namespace ReferralNet.Platform.Persistence;

/// <summary>
/// The clock every service reads, truncated to whole microseconds: the finest instant every supported database stores,
/// so what a write returns equals what a later read returns. Wraps the injected clock (tests move it).
/// </summary>
public sealed class StorageClock(TimeProvider inner) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Truncate(inner.GetUtcNow());

    /// <summary>The instant as a database stores it: UTC, whole microseconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    /// <inheritdoc />
    public override long TimestampFrequency => inner.TimestampFrequency;

    /// <inheritdoc />
    public override long GetTimestamp() => inner.GetTimestamp();

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
