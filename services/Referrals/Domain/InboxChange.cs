namespace ReferralNet.Referrals.Domain;

/// <summary>What changed in an organization's inbox.</summary>
public enum InboxChangeKind
{
    /// <summary>An incoming referral was created or changed.</summary>
    Referral = 1,

    /// <summary>The pillar-to-post risk of a chain the organization is told about changed.</summary>
    AtRisk = 2,
}

/// <summary>
/// One entry of the inbox change feed, written in the transaction of the change: the position streams resume from. It
/// names what changed, not how it looks; a stream sends the object as it stands when the entry is read.
/// </summary>
public sealed class InboxChange
{
    private InboxChange()
    {
    }

    /// <summary>An entry for <paramref name="organizationId"/> at <paramref name="at"/>.</summary>
    public InboxChange(string organizationId, InboxChangeKind kind, string objectId, DateTimeOffset at) =>
        (OrganizationId, Kind, ObjectId, At) = (organizationId, kind, objectId, at);

    /// <summary>The database-assigned position; higher is later.</summary>
    public long Position { get; private set; }

    /// <summary>The organization whose inbox changed.</summary>
    public string OrganizationId { get; private init; } = "";

    /// <summary>What changed.</summary>
    public InboxChangeKind Kind { get; private init; }

    /// <summary>The referral or the chain.</summary>
    public string ObjectId { get; private init; } = "";

    /// <summary>When.</summary>
    public DateTimeOffset At { get; private init; }
}
