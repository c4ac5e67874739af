using ReferralNet.Platform.Domain;

namespace ReferralNet.Referrals.Domain;

/// <summary>Who took a step: a member for an organization, or nobody (the server: expiry, a revoked consent).</summary>
/// <param name="MemberId">The member; empty for the server.</param>
/// <param name="OrganizationId">The organization the member acts for; empty for the server.</param>
public sealed record StepActor(string MemberId, string OrganizationId)
{
    /// <summary>The server itself.</summary>
    public static readonly StepActor Server = new("", "");
}

/// <summary>What a new referral is: the checks passed, the facts it carries.</summary>
/// <param name="ServiceUserId">The service user, from the need.</param>
/// <param name="NeedId">The need.</param>
/// <param name="LifeDomain">The need's life domain.</param>
/// <param name="ConsentId">The REFERRAL consent it is made under.</param>
/// <param name="CaseId">The service user's open case, if any.</param>
/// <param name="Service">The service referred to.</param>
/// <param name="Note">What the receiver needs to know.</param>
/// <param name="Priority">How soon.</param>
/// <param name="RequestedStart">Earliest wanted.</param>
/// <param name="RequestedEnd">Latest wanted.</param>
public sealed record ReferralSpec(
    string ServiceUserId, string NeedId, LifeDomain LifeDomain, string ConsentId, string? CaseId, KnownService Service, string Note,
    ReferralPriority Priority, DateTimeOffset? RequestedStart, DateTimeOffset? RequestedEnd);

/// <summary>
/// A referral of one need from a member of one organization to a service of another. It owns its lifecycle: which
/// step may follow which, who may take it (the receiver answers, the sender withdraws), and the history of every step.
/// </summary>
public sealed class Referral : VersionedEntity
{
    /// <summary>The statuses after which nothing follows but a correction.</summary>
    public static readonly ReferralStatus[] FinalStatuses =
        [ReferralStatus.Completed, ReferralStatus.Declined, ReferralStatus.Cancelled, ReferralStatus.Expired, ReferralStatus.Failed, ReferralStatus.EnteredInError];

    private readonly List<ReferralStep> _history = [];

    private Referral()
    {
    }

    /// <summary>
    /// A referral sent at <paramref name="now"/> by <paramref name="sender"/>, in <paramref name="chain"/>; when
    /// <paramref name="redirectedFrom"/> is given, opened by <paramref name="redirector"/> of its receiver, still in the
    /// sender's name (the sender keeps following the chain).
    /// </summary>
    public Referral(Chain chain, ReferralSpec spec, StepActor sender, DateTimeOffset now, Referral? redirectedFrom = null, StepActor? redirector = null)
        : base(now)
    {
        ChainId = chain.Id;
        PreviousReferralId = redirectedFrom?.Id;
        RedirectedByOrganizationId = redirectedFrom?.ToOrganizationId;
        ServiceUserId = spec.ServiceUserId;
        NeedId = spec.NeedId;
        LifeDomain = spec.LifeDomain;
        ConsentId = spec.ConsentId;
        CaseId = spec.CaseId;
        FromOrganizationId = sender.OrganizationId;
        FromMemberId = sender.MemberId;
        ToServiceId = spec.Service.Id;
        ToOrganizationId = spec.Service.OrganizationId;
        Note = spec.Note;
        Priority = spec.Priority;
        RequestedStart = spec.RequestedStart;
        RequestedEnd = spec.RequestedEnd;
        Status = ReferralStatus.Requested;
        AcknowledgementDueAt = now + spec.Service.AcknowledgementDeadline;
        var creator = redirector ?? sender;
        _history.Add(new ReferralStep(Id, 1, null, ReferralStatus.Requested, creator.MemberId, creator.OrganizationId, "", now));
    }

    /// <summary>The chain of referrals for the need that this one belongs to.</summary>
    public string ChainId { get; private init; } = "";

    /// <summary>The declined referral this one was redirected from.</summary>
    public string? PreviousReferralId { get; private init; }

    /// <summary>The organization that redirected it here.</summary>
    public string? RedirectedByOrganizationId { get; private init; }

    /// <summary>The service user referred.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>The need referred.</summary>
    public string NeedId { get; private init; } = "";

    /// <summary>The need's life domain.</summary>
    public LifeDomain LifeDomain { get; private init; }

    /// <summary>The REFERRAL consent it is made under.</summary>
    public string ConsentId { get; private init; } = "";

    /// <summary>The service user's open case when it was made.</summary>
    public string? CaseId { get; private init; }

    /// <summary>The sending organization (kept on redirects).</summary>
    public string FromOrganizationId { get; private init; } = "";

    /// <summary>The sending member (kept on redirects).</summary>
    public string FromMemberId { get; private init; } = "";

    /// <summary>The service referred to.</summary>
    public string ToServiceId { get; private init; } = "";

    /// <summary>The organization offering that service.</summary>
    public string ToOrganizationId { get; private init; } = "";

    /// <summary>What the receiver needs to know.</summary>
    public string Note { get; private set; } = "";

    /// <summary>How soon.</summary>
    public ReferralPriority Priority { get; private init; }

    /// <summary>Earliest time the help is wanted.</summary>
    public DateTimeOffset? RequestedStart { get; private init; }

    /// <summary>Latest time the help is wanted.</summary>
    public DateTimeOffset? RequestedEnd { get; private init; }

    /// <summary>Where it stands.</summary>
    public ReferralStatus Status { get; private set; }

    /// <summary>When a referral still REQUESTED expires.</summary>
    public DateTimeOffset AcknowledgementDueAt { get; private init; }

    /// <summary>The receiving member working it, set on accept.</summary>
    public string? HandlerMemberId { get; private set; }

    /// <summary>Why it was declined.</summary>
    public DeclineReason? DeclineReason { get; private set; }

    /// <summary>The referral its redirect opened.</summary>
    public string? RedirectReferralId { get; private set; }

    /// <summary>Why it failed.</summary>
    public FailureReason? FailureReason { get; private set; }

    /// <summary>What it achieved.</summary>
    public ReferralOutcome? Outcome { get; private set; }

    /// <summary>Why it is on hold.</summary>
    public HoldReason? HoldReason { get; private set; }

    /// <summary>When a referral on a waiting list is expected to go on.</summary>
    public DateTimeOffset? ExpectedResumeAt { get; private set; }

    /// <summary>Every step, oldest first, the creation included.</summary>
    public IReadOnlyList<ReferralStep> History => _history;

    /// <summary>The latest step.</summary>
    public ReferralStep LastStep => _history.MaxBy(s => s.Sequence)!;

    /// <summary>True once nothing can follow but a correction (entered in error).</summary>
    public bool IsFinal => FinalStatuses.Contains(Status);

    /// <summary>True while the receiver helps, or has helped: the chain is no longer at risk.</summary>
    public bool Helps => Status is ReferralStatus.Accepted or ReferralStatus.InProgress or ReferralStatus.Completed;

    /// <summary>True when it counts as a rejection for pillar-to-post.</summary>
    public bool Rejected => Status is ReferralStatus.Declined or ReferralStatus.Expired or ReferralStatus.Failed;

    /// <summary>True when the organization sent it.</summary>
    public bool SentBy(string organizationId) => FromOrganizationId == organizationId;

    /// <summary>True when the organization received it.</summary>
    public bool ReceivedBy(string organizationId) => ToOrganizationId == organizationId;

    /// <summary>The receiver has seen it; the acknowledgement deadline no longer runs.</summary>
    public void Receive(StepActor actor, DateTimeOffset now)
    {
        EnsureReceiver(actor);
        Move(ReferralStatus.Received, actor, "", now, ReferralStatus.Requested);
    }

    /// <summary>The receiver takes it on, with <paramref name="handlerMemberId"/> working it.</summary>
    public void Accept(StepActor actor, string handlerMemberId, string note, DateTimeOffset now)
    {
        EnsureReceiver(actor);
        if (Status == ReferralStatus.OnHold && HoldReason == Domain.HoldReason.InformationNeeded)
        {
            throw new DomainRuleException("INFORMATION_PENDING", "The referral waits for the information its receiver asked for; the sender answers first.");
        }

        Move(ReferralStatus.Accepted, actor, note, now, ReferralStatus.Requested, ReferralStatus.Received, ReferralStatus.OnHold);
        HandlerMemberId = handlerMemberId;
        ClearHold();
    }

    /// <summary>The receiver declines it for <paramref name="reason"/>.</summary>
    public void Decline(StepActor actor, DeclineReason reason, string note, DateTimeOffset now)
    {
        EnsureReceiver(actor);
        if (reason == Domain.DeclineReason.InsufficientInformation)
        {
            throw new DomainRuleException("ASK_FOR_INFORMATION", "Missing information is not a reason to decline: ask the sender for it (RequestReferralInformation), which does not count as a rejection.");
        }

        if (reason == Domain.DeclineReason.Other && note.Length == 0)
        {
            throw new DomainRuleException("NOTE_REQUIRED", "A decline for another reason needs a note that says which.");
        }

        Move(ReferralStatus.Declined, actor, note, now, ReferralStatus.Requested, ReferralStatus.Received, ReferralStatus.OnHold);
        DeclineReason = reason;
        ClearHold();
    }

    /// <summary>Links the decline to the referral its redirect opened.</summary>
    public void RedirectedTo(Referral next) => RedirectReferralId = next.Id;

    /// <summary>The receiver puts it on the waiting list until about <paramref name="expected"/>.</summary>
    public void Hold(StepActor actor, DateTimeOffset expected, string note, DateTimeOffset now)
    {
        EnsureReceiver(actor);
        if (expected <= now)
        {
            throw new DomainRuleException("EXPECTED_TIME_PASSED", "The expected time of a place on the waiting list must be in the future.");
        }

        Move(ReferralStatus.OnHold, actor, note, now, ReferralStatus.Requested, ReferralStatus.Received, ReferralStatus.Accepted);
        HoldReason = Domain.HoldReason.WaitingList;
        ExpectedResumeAt = expected;
    }

    /// <summary>The receiver asks the sender for information before deciding.</summary>
    public void RequestInformation(StepActor actor, string question, DateTimeOffset now)
    {
        EnsureReceiver(actor);
        Move(ReferralStatus.OnHold, actor, question, now, ReferralStatus.Requested, ReferralStatus.Received);
        HoldReason = Domain.HoldReason.InformationNeeded;
        ExpectedResumeAt = null;
    }

    /// <summary>The sender answers the receiver's question; the receiver decides again.</summary>
    public void ProvideInformation(StepActor actor, string answer, DateTimeOffset now)
    {
        EnsureSender(actor);
        if (Status != ReferralStatus.OnHold || HoldReason != Domain.HoldReason.InformationNeeded)
        {
            throw Illegal(ReferralStatus.Received);
        }

        Move(ReferralStatus.Received, actor, answer, now, ReferralStatus.OnHold);
        ClearHold();
    }

    /// <summary>The receiver starts the work.</summary>
    public void Start(StepActor actor, string note, DateTimeOffset now)
    {
        EnsureReceiver(actor);
        Move(ReferralStatus.InProgress, actor, note, now, ReferralStatus.Accepted);
    }

    /// <summary>The receiver finishes the work with <paramref name="outcome"/>.</summary>
    public void Complete(StepActor actor, ReferralOutcome outcome, string note, DateTimeOffset now)
    {
        EnsureReceiver(actor);
        Move(ReferralStatus.Completed, actor, note, now, ReferralStatus.InProgress);
        Outcome = outcome;
    }

    /// <summary>The sender withdraws it.</summary>
    public void Cancel(StepActor actor, string note, DateTimeOffset now)
    {
        EnsureSender(actor);
        Move(ReferralStatus.Cancelled, actor, note, now, ReferralStatus.Requested, ReferralStatus.Received, ReferralStatus.Accepted, ReferralStatus.OnHold);
        ClearHold();
    }

    /// <summary>The receiver ends an accepted or started referral without result.</summary>
    public void Fail(StepActor actor, FailureReason reason, string note, DateTimeOffset now)
    {
        EnsureReceiver(actor);
        if (reason == Domain.FailureReason.ConsentRevoked)
        {
            throw new DomainRuleException("RESERVED_REASON", "CONSENT_REVOKED is set by the server when a consent is revoked.");
        }

        if (reason == Domain.FailureReason.Other && note.Length == 0)
        {
            throw new DomainRuleException("NOTE_REQUIRED", "A failure for another reason needs a note that says which.");
        }

        Move(ReferralStatus.Failed, actor, note, now, ReferralStatus.Accepted, ReferralStatus.InProgress);
        FailureReason = reason;
    }

    /// <summary>The sender corrects a referral made by mistake.</summary>
    public void MarkEnteredInError(StepActor actor, string note, DateTimeOffset now)
    {
        EnsureSender(actor);
        Move(ReferralStatus.EnteredInError, actor, note, now, [.. Enum.GetValues<ReferralStatus>().Where(s => s != ReferralStatus.EnteredInError)]);
        ClearHold();
    }

    /// <summary>True when the acknowledgement deadline passed while the receiver had not seen it.</summary>
    public bool IsOverdue(DateTimeOffset now) => Status == ReferralStatus.Requested && AcknowledgementDueAt <= now;

    /// <summary>The server expires a referral nobody received in time.</summary>
    public void Expire(DateTimeOffset now)
    {
        if (!IsOverdue(now))
        {
            throw new DomainRuleException("NOT_OVERDUE", "Only a requested referral past its acknowledgement deadline expires.");
        }

        Move(ReferralStatus.Expired, StepActor.Server, "Not received before the acknowledgement deadline.", now, ReferralStatus.Requested);
    }

    /// <summary>Follows a merge of the service user's record into <paramref name="survivorId"/> (a new version, so copies refresh).</summary>
    public void MoveTo(string survivorId, DateTimeOffset now)
    {
        ServiceUserId = survivorId;
        Touch(now);
    }

    /// <summary>The server closes an open referral whose consent was revoked: withdrawn before the work started, failed after.</summary>
    /// <returns>False when it was closed already.</returns>
    public bool CloseForRevokedConsent(DateTimeOffset now)
    {
        if (IsFinal)
        {
            return false;
        }

        const string Why = "The consent this referral was made under was revoked.";
        if (Status == ReferralStatus.InProgress)
        {
            Move(ReferralStatus.Failed, StepActor.Server, Why, now, ReferralStatus.InProgress);
            FailureReason = Domain.FailureReason.ConsentRevoked;
        }
        else
        {
            Move(ReferralStatus.Cancelled, StepActor.Server, Why, now, Status);
        }

        ClearHold();
        return true;
    }

    private void EnsureReceiver(StepActor actor)
    {
        if (!ReceivedBy(actor.OrganizationId))
        {
            throw new PermissionDeniedException("Only the receiving organization answers a referral.", "NOT_RECEIVER");
        }
    }

    private void EnsureSender(StepActor actor)
    {
        if (!SentBy(actor.OrganizationId))
        {
            throw new PermissionDeniedException("Only the sending organization withdraws, corrects or adds to a referral.", "NOT_SENDER");
        }
    }

    private void Move(ReferralStatus to, StepActor actor, string note, DateTimeOffset now, params ReferralStatus[] from)
    {
        if (!from.Contains(Status))
        {
            throw Illegal(to);
        }

        var before = Status;
        Status = to;
        Touch(now);
        _history.Add(new ReferralStep(Id, _history.Count + 1, before, to, actor.MemberId, actor.OrganizationId, note, now));
    }

    private DomainRuleException Illegal(ReferralStatus to) =>
        new("ILLEGAL_TRANSITION", $"A referral that is {Describe(Status)} cannot become {Describe(to)}.");

    private void ClearHold()
    {
        HoldReason = null;
        ExpectedResumeAt = null;
    }

    private static string Describe(ReferralStatus status) => status switch
    {
        ReferralStatus.InProgress => "in progress",
        ReferralStatus.OnHold => "on hold",
        ReferralStatus.EnteredInError => "entered in error",
        _ => status.ToString().ToLowerInvariant(),
    };
}

/// <summary>One step of a referral's life: who moved it from what to what, when, and why.</summary>
/// <param name="ReferralId">The referral.</param>
/// <param name="Sequence">Its place in the history, from 1.</param>
/// <param name="From">The status before; null for the creation.</param>
/// <param name="To">The status after.</param>
/// <param name="ActorMemberId">The member who took it; empty for the server.</param>
/// <param name="ActorOrganizationId">The organization the member acted for; empty for the server.</param>
/// <param name="Note">The note given with it.</param>
/// <param name="At">When.</param>
public sealed record ReferralStep(
    string ReferralId, int Sequence, ReferralStatus? From, ReferralStatus To, string ActorMemberId, string ActorOrganizationId, string Note, DateTimeOffset At);
