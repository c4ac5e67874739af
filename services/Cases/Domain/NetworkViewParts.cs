using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Domain;

/// <summary>
/// An audited emergency read of a service user outside the caller's consent ("break the glass") by a medical
/// professional, with a reason, for a limited time. Privacy officers and the coordinator review every one.
/// </summary>
public sealed class EmergencyAccess : VersionedEntity
{
    private EmergencyAccess()
    {
    }

    /// <summary>An access of <paramref name="memberId"/> to <paramref name="serviceUserId"/> from now until <paramref name="expireAt"/>.</summary>
    public EmergencyAccess(string serviceUserId, string memberId, string organizationId, string reason, DateTimeOffset now, DateTimeOffset expireAt)
        : base(now)
    {
        ServiceUserId = serviceUserId;
        MemberId = memberId;
        OrganizationId = organizationId;
        Reason = reason;
        ExpireAt = expireAt;
    }

    /// <summary>The service user opened.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>The member who broke the glass; the access is theirs alone.</summary>
    public string MemberId { get; private init; } = "";

    /// <summary>The member's organization.</summary>
    public string OrganizationId { get; private init; } = "";

    /// <summary>Why the access was needed.</summary>
    public string Reason { get; private init; } = "";

    /// <summary>When it ends.</summary>
    public DateTimeOffset ExpireAt { get; private init; }

    /// <summary>Whether it lets its member read at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => CreatedAt <= now && now < ExpireAt;

    /// <summary>Moves it to the record a duplicate was merged into.</summary>
    public void MoveTo(string serviceUserId, DateTimeOffset now)
    {
        ServiceUserId = serviceUserId;
        Touch(now);
    }
}

/// <summary>What kind of event a timeline entry is.</summary>
public enum TimelineKind
{
    /// <summary>A need was recorded or changed status.</summary>
    Need = 1,

    /// <summary>A referral changed status.</summary>
    Referral = 2,

    /// <summary>Someone joined or left the care team.</summary>
    CareTeam = 3,

    /// <summary>A boundary spanner was assigned or ended.</summary>
    Spanner = 4,

    /// <summary>A consent was granted or revoked.</summary>
    Consent = 5,

    /// <summary>A case was opened, handed over or closed.</summary>
    Case = 6,

    /// <summary>The service user moved.</summary>
    Move = 7,

    /// <summary>A need was found at risk of pillar-to-post or the risk cleared; an emergency access.</summary>
    Alert = 8,
}

/// <summary>
/// One event in a service user's network, written with the change it describes. The summary is built from facts, never
/// from notes; an entry about a need carries its life domain, so a view leaves it out where the consent does not reach.
/// </summary>
public sealed class TimelineEntry
{
    private TimelineEntry()
    {
    }

    /// <summary>An entry of <paramref name="serviceUserId"/> at <paramref name="at"/>.</summary>
    public TimelineEntry(string serviceUserId, DateTimeOffset at, TimelineKind kind, string summary, string? organizationId = null, string? needId = null, LifeDomain? lifeDomain = null, string? referralId = null)
    {
        Id = VersionedEntity.NewId();
        ServiceUserId = serviceUserId;
        At = at;
        Kind = kind;
        Summary = summary;
        OrganizationId = organizationId;
        NeedId = needId;
        LifeDomain = lifeDomain;
        ReferralId = referralId;
    }

    /// <summary>The entry's id (time-ordered).</summary>
    public string Id { get; private init; } = "";

    /// <summary>The service user.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>When it happened.</summary>
    public DateTimeOffset At { get; private init; }

    /// <summary>What kind of event.</summary>
    public TimelineKind Kind { get; private init; }

    /// <summary>What happened, from facts.</summary>
    public string Summary { get; private init; } = "";

    /// <summary>The organization concerned.</summary>
    public string? OrganizationId { get; private init; }

    /// <summary>The need concerned.</summary>
    public string? NeedId { get; private init; }

    /// <summary>The life domain concerned, when the entry is about a need.</summary>
    public LifeDomain? LifeDomain { get; private init; }

    /// <summary>The referral concerned.</summary>
    public string? ReferralId { get; private init; }

    /// <summary>Moves the entry to the record a duplicate was merged into.</summary>
    public void MoveTo(string serviceUserId) => ServiceUserId = serviceUserId;
}

/// <summary>A member of the network as the directory's MemberChanged events describe them: the names a care team shows.</summary>
public sealed class KnownMember
{
    private KnownMember()
    {
    }

    /// <summary>A member as the event of <paramref name="version"/> describes them.</summary>
    public KnownMember(string id, string displayName, string profession, long version)
    {
        Id = id;
        Apply(displayName, profession, version);
    }

    /// <summary>The member id.</summary>
    public string Id { get; private init; } = "";

    /// <summary>Display name.</summary>
    public string DisplayName { get; private set; } = "";

    /// <summary>Profession code.</summary>
    public string Profession { get; private set; } = "";

    /// <summary>The member version this describes.</summary>
    public long Version { get; private set; }

    /// <summary>Takes the state of <paramref name="version"/> when it is newer than what is held.</summary>
    public void Apply(string displayName, string profession, long version)
    {
        if (version <= Version)
        {
            return;
        }

        DisplayName = displayName;
        Profession = profession;
        Version = version;
    }
}

/// <summary>A referral as its events describe it, for the chains in the network view; a late older event changes nothing.</summary>
public sealed class ReferralView
{
    private ReferralView()
    {
    }

    /// <summary>A referral first seen at <paramref name="createdAt"/>, from whichever of its events arrived first.</summary>
    public ReferralView(string id, string serviceUserId, string chainId, string previousReferralId, string needId, string fromOrganizationId, string toServiceId, string toOrganizationId, DateTimeOffset createdAt)
    {
        Id = id;
        ServiceUserId = serviceUserId;
        ChainId = chainId;
        PreviousReferralId = previousReferralId;
        NeedId = needId;
        FromOrganizationId = fromOrganizationId;
        ToServiceId = toServiceId;
        ToOrganizationId = toOrganizationId;
        CreatedAt = createdAt;
        StatusAt = createdAt;
    }

    /// <summary>The referral id.</summary>
    public string Id { get; private init; } = "";

    /// <summary>The service user.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>Its chain.</summary>
    public string ChainId { get; private init; } = "";

    /// <summary>The declined referral it was redirected from.</summary>
    public string PreviousReferralId { get; private set; } = "";

    /// <summary>The need it is for.</summary>
    public string NeedId { get; private init; } = "";

    /// <summary>The sending organization.</summary>
    public string FromOrganizationId { get; private init; } = "";

    /// <summary>The service referred to.</summary>
    public string ToServiceId { get; private init; } = "";

    /// <summary>The receiving organization.</summary>
    public string ToOrganizationId { get; private init; } = "";

    /// <summary>The status, as the contract numbers it (the referrals service owns the states).</summary>
    public int Status { get; private set; }

    /// <summary>The decline reason, as the contract numbers it.</summary>
    public int DeclineReason { get; private set; }

    /// <summary>The failure reason, as the contract numbers it.</summary>
    public int FailureReason { get; private set; }

    /// <summary>The outcome, as the contract numbers it.</summary>
    public int Outcome { get; private set; }

    /// <summary>When it was requested (or first seen).</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When its status last changed.</summary>
    public DateTimeOffset StatusAt { get; private set; }

    /// <summary>The newest referral version applied.</summary>
    public long Version { get; private set; }

    /// <summary>Takes the status of <paramref name="version"/> when it is newer; returns whether it did.</summary>
    public bool StatusChanged(int status, int declineReason, int failureReason, int outcome, DateTimeOffset at, long version)
    {
        if (version <= Version)
        {
            return false;
        }

        (Status, DeclineReason, FailureReason, Outcome, StatusAt, Version) = (status, declineReason, failureReason, outcome, at, version);
        return true;
    }

    /// <summary>
    /// The request arrived after a later event had started the view: it gives the referral its place in the chain and its
    /// start, which no status change carries.
    /// </summary>
    public void RequestArrived(string previousReferralId, DateTimeOffset requestedAt)
    {
        PreviousReferralId = previousReferralId;
        CreatedAt = requestedAt < CreatedAt ? requestedAt : CreatedAt;
    }

    /// <summary>Moves the referral to the record a duplicate was merged into.</summary>
    public void MoveTo(string serviceUserId) => ServiceUserId = serviceUserId;
}
