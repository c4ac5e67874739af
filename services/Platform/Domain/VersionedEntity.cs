using System.Globalization;

namespace ReferralNet.Platform.Domain;

/// <summary>
/// An entity whose every change bumps a version. The version is the etag clients send back and the
/// database concurrency token, so a stale write is rejected rather than silently merged.
/// </summary>
public abstract class VersionedEntity
{
    /// <summary>For EF Core materialization.</summary>
    protected VersionedEntity()
    {
    }

    /// <summary>A new entity created at <paramref name="now"/>.</summary>
    protected VersionedEntity(DateTimeOffset now)
    {
        CreatedAt = now;
        UpdatedAt = now;
    }

    /// <summary>Server-assigned id: a time-ordered UUID (v7), so ids sort by creation.</summary>
    public string Id { get; private init; } = NewId();

    /// <summary>Incremented on every change.</summary>
    public long Version { get; private set; } = 1;

    /// <summary>When the entity was created.</summary>
    public DateTimeOffset CreatedAt { get; private init; }

    /// <summary>When the entity last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The version as the opaque etag clients see.</summary>
    public string ETag => Version.ToString(CultureInfo.InvariantCulture);

    /// <summary>Throws <see cref="StaleVersionException"/> when <paramref name="etag"/> is given and not the current one.</summary>
    public void EnsureVersion(string? etag, string objectType)
    {
        if (!string.IsNullOrEmpty(etag) && etag != ETag)
        {
            throw new StaleVersionException(objectType);
        }
    }

    /// <summary>Records that the entity changed at <paramref name="now"/>.</summary>
    protected void Touch(DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
    }

    /// <summary>A new time-ordered id.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString();
}
