using FluentValidation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Platform.Api;

/// <summary>Checks and merges of protobuf values that every endpoint needs.</summary>
public static class ProtoValues
{
    // The range Timestamp can represent as a DateTimeOffset (0001-01-01 to 9999-12-31).
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    /// <summary>True for a timestamp that converts to a date and time (unset counts as valid: optional).</summary>
    public static bool IsValid(Timestamp? timestamp) =>
        timestamp is null || (timestamp.Seconds is >= MinTimestampSeconds and <= MaxTimestampSeconds && timestamp.Nanos is >= 0 and < 1_000_000_000);

    /// <summary>A client's timestamp as the instant the databases store (whole microseconds); check it with IsValid first.</summary>
    public static DateTimeOffset ToInstant(this Timestamp timestamp) => Instants.AtStoragePrecision(timestamp.ToDateTimeOffset());

    /// <summary>An instant as it goes on the wire: at storage precision, so an answer equals what a later read returns.</summary>
    public static Timestamp ToProtoTimestamp(this DateTimeOffset instant) => Timestamp.FromDateTimeOffset(Instants.AtStoragePrecision(instant));

    /// <summary>A date as it goes on the wire.</summary>
    public static Contracts.V1.CalendarDate ToProto(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    /// <summary>A client's date; check it with <see cref="CalendarDateValidator"/> first.</summary>
    public static DateOnly ToDate(this Contracts.V1.CalendarDate date) => new(date.Year, date.Month, date.Day);

    /// <summary>True for a duration that converts to a TimeSpan of whole seconds (unset counts as valid: optional).</summary>
    public static bool IsValid(Duration? duration) =>
        duration is null || (duration.Seconds is >= -315_576_000_000 and <= 315_576_000_000 && duration.Nanos is > -1_000_000_000 and < 1_000_000_000
            && (duration.Seconds == 0 || duration.Nanos == 0 || Math.Sign(duration.Seconds) == Math.Sign(duration.Nanos)));

    /// <summary>
    /// Applies a partial update (AIP-134): copies the fields named in <paramref name="mask"/> from <paramref name="update"/>
    /// onto a copy of <paramref name="current"/>. An empty mask means the changeable fields the request sets, so a client that
    /// sends only a name and an etag changes the name and nothing else. A path outside <paramref name="changeable"/> is
    /// INVALID_ARGUMENT on update_mask.
    /// </summary>
    public static T MergeUpdate<T>(T current, T update, FieldMask? mask, IReadOnlyCollection<string> changeable)
        where T : IMessage<T>, new()
    {
        var paths = mask is null || mask.Paths.Count == 0 ? [.. changeable.Where(name => IsSet(update, name))] : mask.Paths.ToList();
        var invalid = paths.Where(p => !changeable.Contains(p.Split('.')[0]) || !FieldMask.IsValid<T>(p)).ToList();
        if (invalid.Count > 0)
        {
            var named = string.Join("', '", invalid.Take(5));
            throw InvalidRequestException.For(
                "update_mask",
                $"cannot change '{named}'{(invalid.Count > 5 ? $" and {invalid.Count - 5} more" : "")}; changeable fields: {string.Join(", ", changeable)}");
        }

        var merged = current.Clone();
        new FieldMask { Paths = { paths } }.Merge(update, merged, new FieldMask.MergeOptions { ReplaceMessageFields = true, ReplaceRepeatedFields = true });
        return merged;
    }

    /// <summary>True when <paramref name="message"/> sets <paramref name="fieldName"/>: present, non-empty, or not the default.</summary>
    private static bool IsSet<T>(T message, string fieldName)
        where T : IMessage<T>, new()
    {
        var field = message.Descriptor.FindFieldByName(fieldName);
        var value = field.Accessor.GetValue(message);
        return field switch
        {
            { IsRepeated: true } => ((System.Collections.ICollection)value).Count > 0, // maps are repeated too
            { HasPresence: true } => field.Accessor.HasValue(message),
            _ => !Equals(value, field.Accessor.GetValue(new T())),
        };
    }

    /// <summary>Validates <paramref name="message"/> (e.g. a merged update) and reports violations under <paramref name="field"/>.</summary>
    public static void EnsureValid<T>(this IValidator<T> validator, T message, string field)
        where T : IMessage
    {
        var result = validator.Validate(message);
        if (!result.IsValid)
        {
            throw new InvalidRequestException(result.Errors.Select(e => new Google.Rpc.BadRequest.Types.FieldViolation
            {
                Field = $"{field}.{ValidationInterceptor.ProtoFieldPath(message.Descriptor, e.PropertyName)}",
                Description = e.ErrorMessage,
            }));
        }
    }
}
