using ReferralNet.Platform.Domain;

namespace ReferralNet.Spanners.Domain;

/// <summary>What an organization says about a spanner it supports; checked by the request validators.</summary>
public sealed record SpannerProfile(
    string DisplayName,
    SpannerKind Kind,
    string? MemberId,
    string Phone,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Neighbourhoods,
    IReadOnlyList<LifeDomain> LifeDomains,
    int MaxServiceUsers,
    int HoursPerWeek,
    string? BackupSpannerId,
    DateOnly? ConductCertificateDate);

/// <summary>The rules of the network about spanners' burden, check-ins and certificates (from the service's options).</summary>
public sealed record SpannerPolicy(int BurdenThreshold, TimeSpan CheckInPeriod, int CertificateValidYears)
{
    /// <summary>The defaults: a burden of 8 flags, a check-in at least every 6 weeks, a certificate of conduct of at most 3 years.</summary>
    public static SpannerPolicy Default { get; } = new(8, TimeSpan.FromDays(42), 3);
}

/// <summary>
/// A boundary spanner: a co-producing citizen or linking-pin professional supported by one organization. It owns its
/// availability: only an active spanner with a free place, a bearable burden and (where its kind needs one) a recent
/// certificate of conduct takes on a service user.
/// </summary>
public sealed class BoundarySpanner : VersionedEntity
{
    private BoundarySpanner()
    {
    }

    /// <summary>A new active spanner of <paramref name="organizationId"/>.</summary>
    public BoundarySpanner(string organizationId, SpannerProfile profile, DateTimeOffset now)
        : base(now)
    {
        OrganizationId = organizationId;
        Status = SpannerStatus.Active;
        Apply(profile);
    }

    /// <summary>The supporting organization.</summary>
    public string OrganizationId { get; private init; } = "";

    /// <summary>Name shown to professionals.</summary>
    public string DisplayName { get; private set; } = "";

    /// <summary>What kind of spanner.</summary>
    public SpannerKind Kind { get; private set; }

    /// <summary>The member record of a linking-pin professional.</summary>
    public string? MemberId { get; private set; }

    /// <summary>Phone number; shown only to the organizations the spanner works with.</summary>
    public string Phone { get; private set; } = "";

    /// <summary>Languages spoken, ISO 639 codes.</summary>
    public string[] Languages { get; private set; } = [];

    /// <summary>Neighbourhood codes the spanner is active in.</summary>
    public string[] Neighbourhoods { get; private set; } = [];

    /// <summary>Life domains the spanner supports in.</summary>
    public LifeDomain[] LifeDomains { get; private set; } = [];

    /// <summary>Most service users at once.</summary>
    public int MaxServiceUsers { get; private set; }

    /// <summary>Hours a week available.</summary>
    public int HoursPerWeek { get; private set; }

    /// <summary>Whether the spanner takes on service users.</summary>
    public SpannerStatus Status { get; private set; }

    /// <summary>The spanner who takes over when this one stops.</summary>
    public string? BackupSpannerId { get; private set; }

    /// <summary>Issue date of the certificate of conduct (VOG).</summary>
    public DateOnly? ConductCertificateDate { get; private set; }

    /// <summary>The latest check-in's score, 0 when none.</summary>
    public int LatestBurdenScore { get; private set; }

    /// <summary>True when the latest check-in's score reached the threshold.</summary>
    public bool BurdenFlagged { get; private set; }

    /// <summary>When the latest check-in was recorded.</summary>
    public DateTimeOffset? LastCheckInAt { get; private set; }

    /// <summary>When the spanner stopped.</summary>
    public DateTimeOffset? StoppedAt { get; private set; }

    /// <summary>Why the spanner stopped.</summary>
    public SpannerStopReason? StopReason { get; private set; }

    /// <summary>Linking-pin professionals are screened by their employer; every other spanner needs a certificate of conduct.</summary>
    public bool NeedsCertificate => Kind != SpannerKind.LinkingPinProfessional;

    /// <summary>Whether the certificate of conduct allows matching and assigning on <paramref name="today"/>.</summary>
    public bool CertificateValid(DateOnly today, SpannerPolicy policy) =>
        !NeedsCertificate || (ConductCertificateDate is { } issued && issued <= today && issued.AddYears(policy.CertificateValidYears) > today);

    /// <summary>Whether no check-in was recorded within the policy's period (counted from registration before the first).</summary>
    public bool CheckInOverdue(DateTimeOffset now, SpannerPolicy policy) => (LastCheckInAt ?? CreatedAt) + policy.CheckInPeriod < now;

    /// <summary>Whether the spanner can take on one more service user, with <paramref name="heldPlaces"/> held already.</summary>
    public bool CanTakeOn(int heldPlaces, DateOnly today, SpannerPolicy policy) =>
        Status == SpannerStatus.Active && heldPlaces < MaxServiceUsers && !BurdenFlagged && CertificateValid(today, policy);

    /// <summary>Throws the rule that keeps the spanner from taking on one more service user.</summary>
    public void EnsureCanTakeOn(int heldPlaces, DateOnly today, SpannerPolicy policy)
    {
        if (Status != SpannerStatus.Active)
        {
            throw new DomainRuleException(Status == SpannerStatus.Paused ? "SPANNER_PAUSED" : "SPANNER_STOPPED", $"The spanner is {Status.ToString().ToLowerInvariant()} and takes on nobody new.");
        }

        if (heldPlaces >= MaxServiceUsers)
        {
            throw new DomainRuleException("SPANNER_FULL", $"The spanner supports {heldPlaces} of at most {MaxServiceUsers} service users.");
        }

        if (BurdenFlagged)
        {
            throw new DomainRuleException("SPANNER_OVERBURDENED", "The spanner's latest check-in flagged a high burden; they take on nobody new until a lighter check-in.");
        }

        if (!CertificateValid(today, policy))
        {
            throw new DomainRuleException("CERTIFICATE_OF_CONDUCT_INVALID",
                ConductCertificateDate is null
                    ? "The spanner has no certificate of conduct (VOG) on record."
                    : $"The spanner's certificate of conduct (VOG) is older than {policy.CertificateValidYears} years.");
        }
    }

    /// <summary>What puts the spanner at risk now; <paramref name="backupActive"/> tells whether its backup can take over.</summary>
    public SpannerRisks RisksAt(DateTimeOffset now, int heldPlaces, bool backupActive, SpannerPolicy policy)
    {
        var risks = SpannerRisks.None;
        risks |= BurdenFlagged ? SpannerRisks.HighBurden : 0;
        risks |= CheckInOverdue(now, policy) ? SpannerRisks.CheckInOverdue : 0;
        risks |= heldPlaces >= MaxServiceUsers ? SpannerRisks.AtCapacity : 0;
        risks |= backupActive ? 0 : SpannerRisks.NoBackup;
        risks |= CertificateValid(DateOnly.FromDateTime(now.UtcDateTime), policy) ? 0 : SpannerRisks.CertificateExpired;
        return risks;
    }

    /// <summary>Changes the profile; the status changes only by pausing, resuming and stopping.</summary>
    public void Change(SpannerProfile profile, DateTimeOffset now)
    {
        EnsureNotStopped();
        Apply(profile);
        Touch(now);
    }

    /// <summary>Pauses an active spanner; its assignments are handed over by the caller.</summary>
    public void Pause(DateTimeOffset now)
    {
        EnsureNotStopped();
        if (Status == SpannerStatus.Paused)
        {
            throw new DomainRuleException("SPANNER_PAUSED", "The spanner is paused already.");
        }

        Status = SpannerStatus.Paused;
        Touch(now);
    }

    /// <summary>Resumes a paused spanner, who takes on service users again.</summary>
    public void Resume(DateTimeOffset now)
    {
        EnsureNotStopped();
        if (Status != SpannerStatus.Paused)
        {
            throw new DomainRuleException("SPANNER_NOT_PAUSED", "Only a paused spanner resumes.");
        }

        Status = SpannerStatus.Active;
        Touch(now);
    }

    /// <summary>Records a check-in's burden; true when it newly flags the spanner.</summary>
    public bool CheckIn(int score, DateTimeOffset now, SpannerPolicy policy)
    {
        EnsureNotStopped();
        var wasFlagged = BurdenFlagged;
        LatestBurdenScore = score;
        BurdenFlagged = score >= policy.BurdenThreshold;
        LastCheckInAt = now;
        Touch(now);
        return BurdenFlagged && !wasFlagged;
    }

    /// <summary>Stops the spanner; its assignments are handed over by the caller.</summary>
    public void Stop(SpannerStopReason reason, DateTimeOffset now)
    {
        EnsureNotStopped();
        Status = SpannerStatus.Stopped;
        StoppedAt = now;
        StopReason = reason;
        Touch(now);
    }

    /// <summary>Forgets a backup that stopped.</summary>
    public void LoseBackup(string stoppedId, DateTimeOffset now)
    {
        if (BackupSpannerId == stoppedId)
        {
            BackupSpannerId = null;
            Touch(now);
        }
    }

    private void EnsureNotStopped()
    {
        if (Status == SpannerStatus.Stopped)
        {
            throw new DomainRuleException("SPANNER_STOPPED", "The spanner has stopped; a stopped spanner does not change.");
        }
    }

    private void Apply(SpannerProfile profile)
    {
        if (profile.BackupSpannerId is { } backup && backup == Id)
        {
            throw new DomainRuleException("BACKUP_IS_SELF", "A spanner cannot be its own backup.");
        }

        if ((profile.Kind == SpannerKind.LinkingPinProfessional) != (profile.MemberId is not null))
        {
            throw new DomainRuleException("MEMBER_ID_MISMATCH", "A linking-pin professional has a member_id; no other kind of spanner has one.");
        }

        DisplayName = profile.DisplayName;
        Kind = profile.Kind;
        MemberId = profile.MemberId;
        Phone = profile.Phone;
        Languages = [.. profile.Languages.Distinct()];
        Neighbourhoods = [.. profile.Neighbourhoods.Distinct()];
        LifeDomains = [.. profile.LifeDomains.Distinct().Order()];
        MaxServiceUsers = profile.MaxServiceUsers;
        HoursPerWeek = profile.HoursPerWeek;
        BackupSpannerId = profile.BackupSpannerId;
        ConductCertificateDate = profile.ConductCertificateDate;
    }
}
