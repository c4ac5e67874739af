using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Domain;

/// <summary>How far a referral of a need has come, as the need's status follows it.</summary>
public enum ReferralProgress
{
    /// <summary>A referral was sent.</summary>
    Sent,

    /// <summary>A receiver accepted it or started the work.</summary>
    Taken,

    /// <summary>It completed and met the need.</summary>
    Met,

    /// <summary>It completed without meeting the need (partly or not).</summary>
    NotMet,
}

/// <summary>How severe a need is.</summary>
public enum NeedSeverity
{
    /// <summary>Low.</summary>
    Low = 1,

    /// <summary>Moderate.</summary>
    Moderate = 2,

    /// <summary>High.</summary>
    High = 3,

    /// <summary>Urgent: acts now (no gas, water or electricity; eviction; acute risk).</summary>
    Urgent = 4,
}

/// <summary>Where a need stands.</summary>
public enum NeedStatus
{
    /// <summary>Recorded, nothing done yet.</summary>
    Identified = 1,

    /// <summary>A referral for it is open; set by the referrals service only.</summary>
    Referred = 2,

    /// <summary>Being worked on.</summary>
    InProgress = 3,

    /// <summary>Resolved.</summary>
    Met = 4,

    /// <summary>Could not be met.</summary>
    Unmet = 5,
}

/// <summary>Why a need is at risk of pillar-to-post (set from the referrals service's detection).</summary>
public enum PillarToPostReason
{
    /// <summary>Two or more referrals of its chain were declined, expired or failed.</summary>
    RepeatedRejection = 1,

    /// <summary>Too long without an accepted referral.</summary>
    NoAcceptance = 2,

    /// <summary>Too many organizations were asked.</summary>
    TooManyOrganizations = 3,
}

/// <summary>The six dimensions of positive health (Huber), which needs are also described in.</summary>
public enum PositiveHealthDimension
{
    /// <summary>Bodily functions.</summary>
    BodilyFunctions = 1,

    /// <summary>Mental wellbeing.</summary>
    MentalWellbeing = 2,

    /// <summary>Meaningfulness.</summary>
    Meaningfulness = 3,

    /// <summary>Quality of life.</summary>
    QualityOfLife = 4,

    /// <summary>Participation.</summary>
    Participation = 5,

    /// <summary>Daily functioning.</summary>
    DailyFunctioning = 6,
}

/// <summary>
/// A need of a service user in one life domain. Recorded by an organization whose consent covers the domain, seen only
/// by organizations whose consent covers it too. Its status is set by hand, except REFERRED, which the referrals
/// service sets when a referral for it is open.
/// </summary>
public sealed class Need : VersionedEntity
{
    /// <summary>
    /// The positive-health dimensions a need in each life domain touches unless the recorder says otherwise, after
    /// the dimensions of the positive-health model (Huber et al.): health conditions weigh on bodily functions,
    /// money and housing on quality of life, contact and work on participation and meaningfulness.
    /// </summary>
    public static readonly IReadOnlyDictionary<LifeDomain, PositiveHealthDimension[]> DefaultDimensions = new Dictionary<LifeDomain, PositiveHealthDimension[]>
    {
        [LifeDomain.Housing] = [PositiveHealthDimension.QualityOfLife, PositiveHealthDimension.DailyFunctioning],
        [LifeDomain.Debt] = [PositiveHealthDimension.QualityOfLife, PositiveHealthDimension.MentalWellbeing],
        [LifeDomain.Income] = [PositiveHealthDimension.QualityOfLife, PositiveHealthDimension.Participation],
        [LifeDomain.PhysicalHealth] = [PositiveHealthDimension.BodilyFunctions],
        [LifeDomain.MentalHealth] = [PositiveHealthDimension.MentalWellbeing],
        [LifeDomain.Social] = [PositiveHealthDimension.Participation, PositiveHealthDimension.Meaningfulness],
        [LifeDomain.Parenting] = [PositiveHealthDimension.DailyFunctioning, PositiveHealthDimension.Meaningfulness],
        [LifeDomain.Language] = [PositiveHealthDimension.Participation],
        [LifeDomain.Employment] = [PositiveHealthDimension.Participation, PositiveHealthDimension.Meaningfulness],
        [LifeDomain.Safety] = [PositiveHealthDimension.MentalWellbeing, PositiveHealthDimension.QualityOfLife],
        [LifeDomain.Addiction] = [PositiveHealthDimension.BodilyFunctions, PositiveHealthDimension.MentalWellbeing],
        [LifeDomain.DailyFunctioning] = [PositiveHealthDimension.DailyFunctioning],
    };

    private Need()
    {
    }

    /// <summary>A need of <paramref name="serviceUserId"/> in <paramref name="lifeDomain"/>, recorded by a member of an organization.</summary>
    public Need(string serviceUserId, LifeDomain lifeDomain, NeedSeverity severity, string description, IReadOnlyCollection<PositiveHealthDimension> dimensions, string memberId, string organizationId, DateTimeOffset now)
        : base(now)
    {
        ServiceUserId = serviceUserId;
        LifeDomain = lifeDomain;
        DomainBit = Consent.MaskOf([lifeDomain]);
        Status = NeedStatus.Identified;
        RecordedByMemberId = memberId;
        RecordedByOrganizationId = organizationId;
        Apply(severity, description, dimensions);
    }

    /// <summary>The service user.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>The life domain; never changes.</summary>
    public LifeDomain LifeDomain { get; private init; }

    /// <summary>The life domain as a consent's domain bit, so a query matches a need against consents with a bitwise and.</summary>
    public int DomainBit { get; private init; }

    /// <summary>How severe.</summary>
    public NeedSeverity Severity { get; private set; }

    /// <summary>Where it stands.</summary>
    public NeedStatus Status { get; private set; }

    /// <summary>What the need is.</summary>
    public string Description { get; private set; } = "";

    /// <summary>The positive-health dimensions it touches.</summary>
    public PositiveHealthDimension[] Dimensions { get; private set; } = [];

    /// <summary>The note of the latest status change.</summary>
    public string StatusNote { get; private set; } = "";

    /// <summary>Whether it is at risk of pillar-to-post now.</summary>
    public bool AtRisk { get; private set; }

    /// <summary>Why it is at risk.</summary>
    public PillarToPostReason[] AtRiskReasons { get; private set; } = [];

    /// <summary>When it was found at risk.</summary>
    public DateTimeOffset? AtRiskAt { get; private set; }

    /// <summary>The member who recorded it.</summary>
    public string RecordedByMemberId { get; private init; } = "";

    /// <summary>The organization on whose behalf it was recorded.</summary>
    public string RecordedByOrganizationId { get; private init; } = "";

    /// <summary>Changes severity, description and dimensions.</summary>
    public void Change(NeedSeverity severity, string description, IReadOnlyCollection<PositiveHealthDimension> dimensions, DateTimeOffset now)
    {
        Apply(severity, description, dimensions);
        Touch(now);
    }

    /// <summary>Sets the status by hand; returns the status before.</summary>
    public NeedStatus ChangeStatus(NeedStatus status, string note, DateTimeOffset now)
    {
        if (status == NeedStatus.Referred)
        {
            throw new DomainRuleException("STATUS_SET_BY_REFERRALS", "REFERRED is set by the referrals service when a referral for the need is open.");
        }

        if (status == Status)
        {
            throw new DomainRuleException("NEED_STATUS_UNCHANGED", "The need has that status already.");
        }

        var previous = Status;
        Status = status;
        StatusNote = note;
        Touch(now);
        return previous;
    }

    /// <summary>
    /// Follows a referral of the need: sent, it is REFERRED (unless someone already works on it or it is met); accepted
    /// or started, IN_PROGRESS; completed, MET when the outcome met it and UNMET otherwise, for the coordinator to follow
    /// up. A met need stays met. Returns the status before when it changed, null otherwise.
    /// </summary>
    public NeedStatus? FollowReferral(ReferralProgress progress, DateTimeOffset now)
    {
        var next = progress switch
        {
            ReferralProgress.Sent when Status is NeedStatus.Identified or NeedStatus.Unmet => NeedStatus.Referred,
            ReferralProgress.Taken when Status is not NeedStatus.Met => NeedStatus.InProgress,
            ReferralProgress.Met when Status is not NeedStatus.Met => NeedStatus.Met,
            ReferralProgress.NotMet when Status is not NeedStatus.Met => NeedStatus.Unmet,
            _ => Status,
        };
        if (next == Status)
        {
            return null;
        }

        var previous = Status;
        Status = next;
        StatusNote = "";
        Touch(now);
        return previous;
    }

    /// <summary>
    /// Records the referrals service's finding at <paramref name="at"/>: at risk with <paramref name="reasons"/>, or no
    /// longer at risk (no reasons). Unless <paramref name="ordered"/> (the caller found it newer by its version, which
    /// outranks the clocks), a finding older than the one applied changes nothing, so late events cannot undo it.
    /// Returns whether what the need shows changed.
    /// </summary>
    public bool RiskFound(IReadOnlyCollection<PillarToPostReason> reasons, DateTimeOffset at, DateTimeOffset now, bool ordered = false)
    {
        if (!ordered && at < (RiskFoundAt ?? DateTimeOffset.MinValue))
        {
            return false;
        }

        PillarToPostReason[] sorted = [.. reasons.Distinct().Order()];
        var changed = AtRisk != sorted.Length > 0 || !AtRiskReasons.SequenceEqual(sorted);
        RiskFoundAt = at;
        AtRisk = sorted.Length > 0;
        AtRiskReasons = sorted;
        AtRiskAt = AtRisk ? AtRiskAt ?? at : null;
        Touch(now);
        return changed;
    }

    /// <summary>When the latest risk finding applied was made.</summary>
    public DateTimeOffset? RiskFoundAt { get; private set; }

    /// <summary>Moves the need to the record a duplicate was merged into.</summary>
    public void MoveTo(string serviceUserId, DateTimeOffset now)
    {
        ServiceUserId = serviceUserId;
        Touch(now);
    }

    private void Apply(NeedSeverity severity, string description, IReadOnlyCollection<PositiveHealthDimension> dimensions)
    {
        Severity = severity;
        Description = description;
        Dimensions = dimensions.Count > 0 ? [.. dimensions.Distinct().Order()] : DefaultDimensions[LifeDomain];
    }
}
