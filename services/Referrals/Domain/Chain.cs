using ReferralNet.Platform.Domain;

namespace ReferralNet.Referrals.Domain;

/// <summary>The thresholds of pillar-to-post (<c>ReferralNet:Referrals:PillarToPost</c>).</summary>
public sealed class PillarToPostThresholds
{
    /// <summary>Declined, expired or failed referrals in one chain that put its need at risk.</summary>
    public int Rejections { get; set; } = 2;

    /// <summary>How long a chain may go without an accepted referral.</summary>
    public TimeSpan WithoutAcceptance { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Organizations asked in one chain that put its need at risk.</summary>
    public int Organizations { get; set; } = 3;
}

/// <summary>How an assessment changed a chain's risk.</summary>
public enum RiskChange
{
    /// <summary>Nothing changed.</summary>
    None,

    /// <summary>The chain broke a rule it did not break before (first, or another one).</summary>
    Detected,

    /// <summary>The chain no longer breaks any rule.</summary>
    Cleared,
}

/// <summary>
/// The referrals of one need until one completes: the unit pillar-to-post is judged on. It knows the coordinator to tell
/// and whether, by the thresholds, the service user is being sent from pillar to post.
/// </summary>
public sealed class Chain : VersionedEntity
{
    private Chain()
    {
    }

    /// <summary>
    /// A chain started at <paramref name="now"/> by <paramref name="sender"/> for a need whose earlier chains took its
    /// risk to <paramref name="riskVersion"/>.
    /// </summary>
    public Chain(string needId, string serviceUserId, LifeDomain lifeDomain, Coordination coordination, StepActor sender, long riskVersion, DateTimeOffset now)
        : base(now)
    {
        RiskVersion = riskVersion;
        NeedId = needId;
        OpenNeedId = needId;
        ServiceUserId = serviceUserId;
        LifeDomain = lifeDomain;
        StartedByMemberId = sender.MemberId;
        StartedByOrganizationId = sender.OrganizationId;
        UnhelpedSince = now;
        Coordinate(coordination);
    }

    /// <summary>The need.</summary>
    public string NeedId { get; private init; } = "";

    /// <summary>The need while the chain is open, null after: unique, so that a need has one open chain however many referrals race.</summary>
    public string? OpenNeedId { get; private set; }

    /// <summary>The need's service user.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>The need's life domain.</summary>
    public LifeDomain LifeDomain { get; private init; }

    /// <summary>The member who sent its first referral: told when the service user has no open case.</summary>
    public string StartedByMemberId { get; private init; } = "";

    /// <summary>The organization of that member.</summary>
    public string StartedByOrganizationId { get; private init; } = "";

    /// <summary>The service user's open case; null without one.</summary>
    public string? CaseId { get; private set; }

    /// <summary>The case's coordinator, told when the chain is at risk.</summary>
    public string? CoordinatorMemberId { get; private set; }

    /// <summary>The coordinator's organization.</summary>
    public string? CoordinatorOrganizationId { get; private set; }

    /// <summary>The version of the coordination applied (the case's version), so a late event does not restore an old coordinator.</summary>
    public long CoordinationVersion { get; private set; }

    /// <summary>Since when nobody has accepted a referral of the chain (its start, or the end of the last help).</summary>
    public DateTimeOffset? UnhelpedSince { get; private set; }

    /// <summary>When the no-acceptance rule bites, while it has not yet: the deadline job's index.</summary>
    public DateTimeOffset? NoAcceptanceDueAt { get; private set; }

    /// <summary>The rules the chain breaks now.</summary>
    public PillarToPostReasons Reasons { get; private set; }

    /// <summary>
    /// The version of the need's risk, counted over all its chains (a new chain goes on from the last one's): what the
    /// pillar-to-post events carry, so that a late event of an older risk state changes nothing.
    /// </summary>
    public long RiskVersion { get; private set; }

    /// <summary>When the need was found at risk (kept while it stays at risk).</summary>
    public DateTimeOffset? DetectedAt { get; private set; }

    /// <summary>When a referral of the chain completed; a later referral of the need starts a new chain.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>The boundary spanners proposed for the need while it is at risk, best first; empty otherwise.</summary>
    public List<SpannerProposal> ProposedSpanners { get; private set; } = [];

    /// <summary>The risk version the proposal answers, so that a late proposal of an older risk state changes nothing.</summary>
    public long ProposalVersion { get; private set; }

    /// <summary>True while the chain breaks a rule.</summary>
    public bool AtRisk => Reasons != PillarToPostReasons.None;

    /// <summary>The member told about the chain: the coordinator, or without a case the member who started it.</summary>
    public string ToldMemberId => CoordinatorMemberId ?? StartedByMemberId;

    /// <summary>The organization told about the chain.</summary>
    public string ToldOrganizationId => CoordinatorOrganizationId ?? StartedByOrganizationId;

    /// <summary>Follows a merge of the service user's record into <paramref name="survivorId"/>.</summary>
    public void MoveTo(string survivorId, DateTimeOffset now)
    {
        ServiceUserId = survivorId;
        Touch(now);
    }

    /// <summary>Takes the case's coordination as of <paramref name="coordination"/>; an older version changes nothing.</summary>
    /// <returns>True when it changed.</returns>
    public bool Coordinate(Coordination coordination)
    {
        if (coordination.Version < CoordinationVersion)
        {
            return false;
        }

        CoordinationVersion = coordination.Version;
        CaseId = coordination.CaseId;
        CoordinatorMemberId = coordination.CoordinatorMemberId;
        CoordinatorOrganizationId = coordination.CoordinatorOrganizationId;
        return true;
    }

    /// <summary>
    /// Takes the spanners proposed for the risk of version <paramref name="riskVersion"/>: only while the chain is at
    /// risk, and not over a proposal for a newer risk state.
    /// </summary>
    /// <returns>True when the chain now shows the proposal.</returns>
    public bool TakeProposal(long riskVersion, IEnumerable<SpannerProposal> spanners, DateTimeOffset now)
    {
        if (!AtRisk || riskVersion < ProposalVersion || riskVersion > RiskVersion)
        {
            return false;
        }

        ProposalVersion = riskVersion;
        ProposedSpanners = [.. spanners];
        Touch(now);
        return true;
    }

    /// <summary>
    /// Judges the chain by its <paramref name="referrals"/> at <paramref name="now"/>: a need is at risk while nobody helps
    /// (no referral accepted, in progress or completed) and the chain has too many rejections, asked too many
    /// organizations, or went too long unhelped. Referrals entered in error do not count. A completed referral closes it.
    /// </summary>
    public RiskChange Assess(IReadOnlyCollection<Referral> referrals, PillarToPostThresholds thresholds, DateTimeOffset now)
    {
        var counted = referrals.Where(r => r.ChainId == Id && r.Status != ReferralStatus.EnteredInError).ToList();
        if (counted.Any(r => r.Status == ReferralStatus.Completed))
        {
            ClosedAt ??= now;
            OpenNeedId = null;
        }

        var helped = ClosedAt is not null || counted.Any(r => r.Helps);
        if (helped)
        {
            UnhelpedSince = null;
        }
        else
        {
            UnhelpedSince ??= now;
        }

        var reasons = PillarToPostReasons.None;
        if (!helped)
        {
            if (counted.Count(r => r.Rejected) >= thresholds.Rejections)
            {
                reasons |= PillarToPostReasons.RepeatedRejection;
            }

            if (counted.Select(r => r.ToOrganizationId).Distinct().Count() >= thresholds.Organizations)
            {
                reasons |= PillarToPostReasons.TooManyOrganizations;
            }

            if (UnhelpedSince + thresholds.WithoutAcceptance <= now)
            {
                reasons |= PillarToPostReasons.NoAcceptance;
            }
        }

        NoAcceptanceDueAt = helped || reasons.HasFlag(PillarToPostReasons.NoAcceptance) ? null : UnhelpedSince + thresholds.WithoutAcceptance;
        if (reasons == Reasons)
        {
            return RiskChange.None;
        }

        var change = reasons == PillarToPostReasons.None ? RiskChange.Cleared : (reasons & ~Reasons) != 0 ? RiskChange.Detected : RiskChange.None;
        DetectedAt = reasons == PillarToPostReasons.None ? null : DetectedAt ?? now;
        if (reasons == PillarToPostReasons.None)
        {
            // Nobody needs a spanner proposed against a risk that is gone.
            ProposedSpanners = [];
        }

        Reasons = reasons;
        RiskVersion++;
        Touch(now);
        return change;
    }
}

/// <summary>A boundary spanner the spanners service proposed for a chain's need, as the coordinator is shown it.</summary>
/// <param name="SpannerId">The spanner.</param>
/// <param name="DisplayName">The name shown to professionals.</param>
/// <param name="Kind">The kind of spanner, as the spanners contract numbers it.</param>
/// <param name="OrganizationId">The supporting organization.</param>
/// <param name="SharedLanguages">The service user's languages the spanner speaks.</param>
/// <param name="RankingReason">Why the spanner fits.</param>
public sealed record SpannerProposal(string SpannerId, string DisplayName, int Kind, string OrganizationId, List<string> SharedLanguages, string RankingReason);

/// <summary>Who coordinates the service user's open case, as of a version of the case.</summary>
/// <param name="CaseId">The open case; null without one.</param>
/// <param name="CoordinatorMemberId">The coordinator.</param>
/// <param name="CoordinatorOrganizationId">The coordinator's organization.</param>
/// <param name="Version">The case's version (0 when read at creation from the cases service).</param>
public sealed record Coordination(string? CaseId, string? CoordinatorMemberId, string? CoordinatorOrganizationId, long Version);
