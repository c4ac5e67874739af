using System.Linq.Expressions;
using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Domain;

/// <summary>The part an organization, member or boundary spanner plays for a service user.</summary>
public enum InvolvementRole
{
    /// <summary>Coordinates the case; kept from the case's coordinator, never added by hand.</summary>
    Coordinator = 1,

    /// <summary>Delivers a service for a need.</summary>
    Provider = 2,

    /// <summary>The service user's general practitioner.</summary>
    GeneralPractitioner = 3,

    /// <summary>A boundary spanner as constant contact; kept from spanner assignments, never added by hand.</summary>
    ConstantContact = 4,

    /// <summary>Supports the service user otherwise.</summary>
    Supporter = 5,
}

/// <summary>Why an involvement ended.</summary>
public enum InvolvementEndReason
{
    /// <summary>The work is done.</summary>
    Completed = 1,

    /// <summary>Handed over to another member or spanner.</summary>
    HandedOver = 2,

    /// <summary>The service user moved out of the organization's area.</summary>
    ServiceUserMoved = 3,

    /// <summary>No consent covers the organization any more.</summary>
    ConsentRevoked = 4,

    /// <summary>The referral or assignment behind it ended.</summary>
    SourceEnded = 5,

    /// <summary>The consent that covered the organization expired and no other covers it.</summary>
    ConsentExpired = 6,
}

/// <summary>Where an involvement comes from, so that the event that made it and the events that end it find it again.</summary>
/// <param name="CaseId">The case it coordinates.</param>
/// <param name="ReferralId">The accepted referral behind it.</param>
/// <param name="AssignmentId">The spanner assignment behind it.</param>
public sealed record InvolvementSource(string? CaseId = null, string? ReferralId = null, string? AssignmentId = null);

/// <summary>Who is involved and in what part.</summary>
/// <param name="OrganizationId">The organization.</param>
/// <param name="MemberId">The member, when a member is.</param>
/// <param name="SpannerId">The boundary spanner, when a spanner is.</param>
/// <param name="SpannerName">The spanner's display name, for the care team.</param>
/// <param name="Role">The part played.</param>
/// <param name="Description">What they do, in a line.</param>
/// <param name="NeedId">The need it is for, if one.</param>
/// <param name="SpannerKind">The spanner's kind as the contract numbers it (the spanners service owns the kinds); 0 for a member.</param>
public sealed record InvolvementSpec(
    string OrganizationId, string? MemberId, string? SpannerId, string SpannerName, InvolvementRole Role, string Description, string? NeedId, int SpannerKind = 0);

/// <summary>
/// Who is doing what for a service user: the care team is the set of active involvements. Added by hand, or kept by the
/// service from cases, referrals and spanner assignments. When its member leaves, it needs a handover from that moment.
/// </summary>
public sealed class Involvement : VersionedEntity
{
    private Involvement()
    {
    }

    /// <summary>A new involvement with <paramref name="serviceUserId"/> from <paramref name="startAt"/>.</summary>
    public Involvement(string serviceUserId, InvolvementSpec spec, InvolvementSource source, DateTimeOffset startAt, DateTimeOffset now, Involvement? handedOverFrom = null, string handoverNote = "")
        : base(now)
    {
        if (spec.MemberId is not null && spec.SpannerId is not null)
        {
            throw new DomainRuleException("ONE_INVOLVED", "An involvement is of a member or of a boundary spanner, not both.");
        }

        ServiceUserId = serviceUserId;
        OrganizationId = spec.OrganizationId;
        MemberId = spec.MemberId;
        SpannerId = spec.SpannerId;
        SpannerName = spec.SpannerName;
        SpannerKind = spec.SpannerKind;
        Role = spec.Role;
        Description = spec.Description;
        NeedId = spec.NeedId;
        CaseId = source.CaseId;
        ReferralId = source.ReferralId;
        AssignmentId = source.AssignmentId;
        StartAt = startAt;
        HandedOverFromId = handedOverFrom?.Id;
        HandoverNote = handoverNote;
    }

    /// <summary>The service user.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>The organization involved.</summary>
    public string OrganizationId { get; private init; } = "";

    /// <summary>The member involved, if a member is.</summary>
    public string? MemberId { get; private init; }

    /// <summary>The boundary spanner involved, if one is.</summary>
    public string? SpannerId { get; private init; }

    /// <summary>The spanner's display name.</summary>
    public string SpannerName { get; private init; } = "";

    /// <summary>The spanner's kind as the contract numbers it; 0 for a member's involvement.</summary>
    public int SpannerKind { get; private init; }

    /// <summary>The part played.</summary>
    public InvolvementRole Role { get; private init; }

    /// <summary>What they do.</summary>
    public string Description { get; private init; } = "";

    /// <summary>The need it is for, if one.</summary>
    public string? NeedId { get; private init; }

    /// <summary>The case it coordinates (coordinator involvements).</summary>
    public string? CaseId { get; private init; }

    /// <summary>The referral behind it.</summary>
    public string? ReferralId { get; private init; }

    /// <summary>The spanner assignment behind it.</summary>
    public string? AssignmentId { get; private init; }

    /// <summary>Since when.</summary>
    public DateTimeOffset StartAt { get; private init; }

    /// <summary>Until when, once ended.</summary>
    public DateTimeOffset? EndAt { get; private set; }

    /// <summary>Why it ended.</summary>
    public InvolvementEndReason? EndReason { get; private set; }

    /// <summary>The involvement this one took over.</summary>
    public string? HandedOverFromId { get; private init; }

    /// <summary>The note that came with the handover.</summary>
    public string HandoverNote { get; private init; } = "";

    /// <summary>When the member's membership ends or ended, as the directory last said.</summary>
    public DateTimeOffset? MemberEndsAt { get; private set; }

    /// <summary>The version of the membership <see cref="MemberEndsAt"/> comes from.</summary>
    public long MemberVersion { get; private set; }

    /// <summary>
    /// When its boundary spanner stopped, while the successor's assignment has not arrived: it stays in the care team
    /// until then, so the service user is never left without a constant contact.
    /// </summary>
    public DateTimeOffset? SpannerStoppedAt { get; private set; }

    /// <summary>Why it waits for its organization to confirm or end it, while it does.</summary>
    public string? ReviewReason { get; private set; }

    /// <summary>Whether it is part of the care team at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => StartAt <= now && (EndAt is null || EndAt > now);

    /// <summary>Whether its member has left, or its spanner stopped, by <paramref name="now"/> while it goes on.</summary>
    public bool HandoverNeededAt(DateTimeOffset now) => IsActiveAt(now) && (MemberEndsAt <= now || SpannerStoppedAt <= now);

    /// <summary>
    /// Records that its boundary spanner stopped at <paramref name="at"/>: it needs a successor and goes on until one takes
    /// over (or the spanners service finds none). Returns whether this was news.
    /// </summary>
    public bool SpannerStopped(DateTimeOffset at, DateTimeOffset now)
    {
        if (SpannerId is null || EndAt is not null || SpannerStoppedAt is not null)
        {
            return false;
        }

        SpannerStoppedAt = at;
        Touch(now);
        return true;
    }

    /// <summary>Ends it at <paramref name="at"/> for <paramref name="reason"/>.</summary>
    public void End(InvolvementEndReason reason, DateTimeOffset at, DateTimeOffset now)
    {
        if (EndAt is not null)
        {
            throw new DomainRuleException("INVOLVEMENT_ENDED", "The involvement has ended already.");
        }

        EndAt = at < StartAt ? StartAt : at;
        EndReason = reason;
        Touch(now);
    }

    /// <summary>Ends it as handed over and returns the involvement of <paramref name="memberId"/> that continues it.</summary>
    public Involvement HandOverTo(string memberId, string note, InvolvementSource source, DateTimeOffset now)
    {
        if (Role is InvolvementRole.ConstantContact || MemberId is null)
        {
            throw new DomainRuleException("NOT_A_MEMBERS_INVOLVEMENT", "Only a member's involvement is handed over to a colleague; spanners hand over in the spanners service.");
        }

        if (memberId == MemberId)
        {
            throw new DomainRuleException("SAME_MEMBER", "That member holds the involvement already.");
        }

        End(InvolvementEndReason.HandedOver, now, now);
        return new Involvement(ServiceUserId, new InvolvementSpec(OrganizationId, memberId, null, "", Role, Description, NeedId), source, now, now, this, note);
    }

    /// <summary>
    /// Records what the directory says of the member's membership (only a newer version counts); returns whether the end
    /// of the membership changed.
    /// </summary>
    public bool MembershipChanged(DateTimeOffset? endsAt, long version, DateTimeOffset now)
    {
        if (version <= MemberVersion)
        {
            return false;
        }

        MemberVersion = version;
        if (MemberEndsAt != endsAt)
        {
            MemberEndsAt = endsAt;
            Touch(now);
            return true;
        }

        return false;
    }

    /// <summary>Whether it waits for a review at <paramref name="now"/>.</summary>
    public bool ReviewNeededAt(DateTimeOffset now) => ReviewReason is not null && IsActiveAt(now);

    /// <summary>Asks its organization to confirm or end it, for <paramref name="reason"/>.</summary>
    public void MarkForReview(string reason, DateTimeOffset now)
    {
        ReviewReason = reason;
        Touch(now);
    }

    /// <summary>Its organization confirmed that it goes on.</summary>
    public void ConfirmReviewed(DateTimeOffset now)
    {
        if (!ReviewNeededAt(now))
        {
            throw new DomainRuleException("NO_REVIEW_NEEDED", "The involvement is not waiting for a review.");
        }

        ReviewReason = null;
        Touch(now);
    }

    /// <summary>Moves it to the record a duplicate was merged into.</summary>
    public void MoveTo(string serviceUserId, DateTimeOffset now)
    {
        ServiceUserId = serviceUserId;
        Touch(now);
    }

    /// <summary>The involvements that are part of the care team at <paramref name="now"/>.</summary>
    public static Expression<Func<Involvement, bool>> ActiveAt(DateTimeOffset now) =>
        i => i.StartAt <= now && (i.EndAt == null || i.EndAt > now);
}
