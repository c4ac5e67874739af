using ReferralNet.Platform.Domain;

namespace ReferralNet.Spanners.Domain;

/// <summary>Who proposes an assignment and for what.</summary>
public sealed record AssignmentSpec(string ServiceUserId, string? NeedId, string? CaseId, bool ConstantContact, string Note);

/// <summary>
/// A spanner's support of a service user. It is proposed first and starts only when the spanner and the service user
/// have both agreed, so nobody is handed to someone without agreement; a successor's assignment names the stopped
/// spanner's, which stays active until the successor's starts.
/// </summary>
public sealed class SpannerAssignment : VersionedEntity
{
    private SpannerAssignment()
    {
    }

    /// <summary>A proposal of <paramref name="spanner"/> for the service user of <paramref name="spec"/>.</summary>
    public SpannerAssignment(BoundarySpanner spanner, AssignmentSpec spec, string byMemberId, string byOrganizationId, DateTimeOffset now, SpannerAssignment? previous = null, string handoverNote = "")
        : base(now)
    {
        SpannerId = spanner.Id;
        SpannerOrganizationId = spanner.OrganizationId;
        ServiceUserId = spec.ServiceUserId;
        NeedId = spec.NeedId;
        CaseId = spec.CaseId;
        ConstantContact = spec.ConstantContact;
        Note = spec.Note;
        AssignedByMemberId = byMemberId;
        AssignedByOrganizationId = byOrganizationId;
        Status = AssignmentStatus.Proposed;
        ProposedAt = now;
        PreviousAssignmentId = previous?.Id;
        HandoverNote = handoverNote;
        OpenSlot = SlotOf(Status, ConstantContact, SpannerId);
    }

    /// <summary>The spanner.</summary>
    public string SpannerId { get; private init; } = "";

    /// <summary>The spanner's supporting organization.</summary>
    public string SpannerOrganizationId { get; private init; } = "";

    /// <summary>The service user supported.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>The need the spanner helps with; null for general support.</summary>
    public string? NeedId { get; private init; }

    /// <summary>The case the assignment was made for.</summary>
    public string? CaseId { get; private init; }

    /// <summary>True when the spanner is (to be) the service user's constant contact.</summary>
    public bool ConstantContact { get; private init; }

    /// <summary>Introduction for the spanner.</summary>
    public string Note { get; private init; } = "";

    /// <summary>The member who proposed it.</summary>
    public string AssignedByMemberId { get; private init; } = "";

    /// <summary>The organization that proposed it (the case's coordinator).</summary>
    public string AssignedByOrganizationId { get; private init; } = "";

    /// <summary>Where the assignment is.</summary>
    public AssignmentStatus Status { get; private set; }

    /// <summary>When it was proposed.</summary>
    public DateTimeOffset ProposedAt { get; private init; }

    /// <summary>When the spanner's agreement was recorded.</summary>
    public DateTimeOffset? SpannerAgreedAt { get; private set; }

    /// <summary>When the service user's agreement was recorded.</summary>
    public DateTimeOffset? ServiceUserAgreedAt { get; private set; }

    /// <summary>When both had agreed.</summary>
    public DateTimeOffset? StartAt { get; private set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndAt { get; private set; }

    /// <summary>Why it ended.</summary>
    public AssignmentEndReason? EndReason { get; private set; }

    /// <summary>The explanation of the end.</summary>
    public string EndNote { get; private set; } = "";

    /// <summary>The stopped spanner's assignment this one takes over.</summary>
    public string? PreviousAssignmentId { get; private init; }

    /// <summary>The stopped spanner's organization's handover note.</summary>
    public string HandoverNote { get; private init; } = "";

    /// <summary>
    /// The slot an open assignment holds among the service user's (a unique key with the service user): "contact:proposed"
    /// and "contact:active" for the constant contact, the spanner's id otherwise; null once ended. A service user thus has at
    /// most one active and one proposed constant contact, and one open assignment per spanner, even under racing proposals.
    /// </summary>
    public string? OpenSlot { get; private set; }

    /// <summary>When its spanner stopped or paused and a successor was sought; the assignment stays active until the successor starts.</summary>
    public DateTimeOffset? HandoverAt { get; private set; }

    /// <summary>Why it is handed over (its spanner stopped or paused): the reason it ends with when the successor starts.</summary>
    public AssignmentEndReason? HandoverReason { get; private set; }

    /// <summary>Marks an active assignment of a spanner who stops or pauses (<paramref name="why"/>) as waiting for its successor.</summary>
    public void AwaitSuccessor(AssignmentEndReason why, DateTimeOffset now)
    {
        if (Status != AssignmentStatus.Active)
        {
            throw new DomainRuleException("ASSIGNMENT_NOT_ACTIVE", "Only an active assignment is handed over.");
        }

        HandoverAt = now;
        HandoverReason = why;
        Touch(now);
    }

    /// <summary>Ends the handed-over assignment: its successor took over, or nobody will.</summary>
    public void EndHandover(DateTimeOffset now) => End(HandoverReason ?? AssignmentEndReason.SpannerStopped, "", now);

    /// <summary>Keeps the assignment with its spanner, who resumed before a successor took over.</summary>
    public void CancelHandover(DateTimeOffset now)
    {
        HandoverAt = null;
        HandoverReason = null;
        Touch(now);
    }

    /// <summary>True while proposed or active: the assignment holds one of the spanner's places.</summary>
    public bool IsOpen => Status != AssignmentStatus.Ended;

    /// <summary>Records one party's agreement; true when it was the second and the assignment started.</summary>
    public bool Agree(AssignmentParty party, DateTimeOffset now)
    {
        if (Status != AssignmentStatus.Proposed)
        {
            throw new DomainRuleException("ASSIGNMENT_NOT_PROPOSED", $"The assignment is {Status.ToString().ToLowerInvariant()}: only a proposed assignment is agreed to.");
        }

        if ((party == AssignmentParty.Spanner ? SpannerAgreedAt : ServiceUserAgreedAt) is not null)
        {
            throw new DomainRuleException("ALREADY_AGREED", $"The {(party == AssignmentParty.Spanner ? "spanner's" : "service user's")} agreement is already on record.");
        }

        if (party == AssignmentParty.Spanner)
        {
            SpannerAgreedAt = now;
        }
        else
        {
            ServiceUserAgreedAt = now;
        }

        var started = SpannerAgreedAt is not null && ServiceUserAgreedAt is not null;
        if (started)
        {
            Status = AssignmentStatus.Active;
            StartAt = now;
            OpenSlot = SlotOf(Status, ConstantContact, SpannerId);
        }

        Touch(now);
        return started;
    }

    /// <summary>Ends the assignment, proposed or active.</summary>
    public void End(AssignmentEndReason reason, string note, DateTimeOffset now)
    {
        if (Status == AssignmentStatus.Ended)
        {
            throw new DomainRuleException("ASSIGNMENT_ENDED", "The assignment has ended already.");
        }

        Status = AssignmentStatus.Ended;
        EndAt = now;
        EndReason = reason;
        EndNote = note;
        OpenSlot = null;
        Touch(now);
    }

    /// <summary>
    /// Follows a merge of the service user's record into <paramref name="survivorId"/>, whose open assignments hold the
    /// slots in <paramref name="survivorSlots"/>: an open assignment whose slot the survivor holds already ends (the
    /// survivor's stays), so the service user still has one constant contact.
    /// </summary>
    /// <returns>True when the assignment was active and ended here.</returns>
    public bool MoveTo(string survivorId, IReadOnlySet<string> survivorSlots, DateTimeOffset now)
    {
        var wasActive = Status == AssignmentStatus.Active;
        var ends = OpenSlot is { } slot && survivorSlots.Contains(slot);
        if (ends)
        {
            End(AssignmentEndReason.Other, "The service user's two records were merged; the assignment of the record kept stays.", now);
        }

        ServiceUserId = survivorId;
        Touch(now);
        return ends && wasActive;
    }

    private static string? SlotOf(AssignmentStatus status, bool constantContact, string spannerId) => status switch
    {
        AssignmentStatus.Ended => null,
        _ when !constantContact => spannerId,
        AssignmentStatus.Proposed => "contact:proposed",
        _ => "contact:active",
    };
}
