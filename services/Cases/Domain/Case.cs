using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Domain;

/// <summary>Where a case stands.</summary>
public enum CaseStatus
{
    /// <summary>Being coordinated.</summary>
    Open = 1,

    /// <summary>Closed; final. A new case can be opened later.</summary>
    Closed = 2,
}

/// <summary>Where a goal of a case stands.</summary>
public enum GoalStatus
{
    /// <summary>Being worked on.</summary>
    Open = 1,

    /// <summary>Reached.</summary>
    Achieved = 2,

    /// <summary>Given up or no longer relevant.</summary>
    Dropped = 3,
}

/// <summary>A goal of a case as the plan states it.</summary>
/// <param name="Id">The goal's id; null for a new goal.</param>
/// <param name="Description">What the service user wants to achieve.</param>
/// <param name="LifeDomain">The life domain it is in, if any.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="TargetDate">When it should be reached, if set.</param>
public sealed record GoalSpec(string? Id, string Description, LifeDomain? LifeDomain, GoalStatus Status, DateOnly? TargetDate);

/// <summary>A goal of a case's plan.</summary>
public sealed class Goal
{
    private Goal()
    {
    }

    internal Goal(string caseId, GoalSpec spec, int position)
    {
        Id = VersionedEntity.NewId();
        CaseId = caseId;
        Apply(spec, position);
    }

    /// <summary>The goal's id.</summary>
    public string Id { get; private init; } = "";

    /// <summary>The case it belongs to.</summary>
    public string CaseId { get; private init; } = "";

    /// <summary>Its place in the plan, from 0.</summary>
    public int Position { get; private set; }

    /// <summary>What the service user wants to achieve.</summary>
    public string Description { get; private set; } = "";

    /// <summary>The life domain it is in, if any.</summary>
    public LifeDomain? LifeDomain { get; private set; }

    /// <summary>Where it stands.</summary>
    public GoalStatus Status { get; private set; }

    /// <summary>When it should be reached, if set.</summary>
    public DateOnly? TargetDate { get; private set; }

    internal void Apply(GoalSpec spec, int position)
    {
        Position = position;
        Description = spec.Description;
        LifeDomain = spec.LifeDomain;
        Status = spec.Status;
        TargetDate = spec.TargetDate;
    }
}

/// <summary>
/// The coordination record of a service user (and the household members it covers): one coordinator, a plan with goals.
/// A service user has at most one open case. When the coordinator's membership ends, the case needs a handover from then
/// on, without anyone having to notice.
/// </summary>
public sealed class Case : VersionedEntity
{
    private readonly List<Goal> _goals = [];

    private Case()
    {
    }

    /// <summary>A new open case of <paramref name="serviceUserId"/> coordinated by <paramref name="coordinator"/>.</summary>
    public Case(string serviceUserId, IReadOnlyList<string> household, Coordinator coordinator, string plan, IReadOnlyList<GoalSpec> goals, DateTimeOffset now)
        : base(now)
    {
        ServiceUserId = serviceUserId;
        HouseholdServiceUserIds = [.. household.Distinct()];
        Status = CaseStatus.Open;
        Plan = plan;
        AssignCoordinator(coordinator);
        ReplaceGoals(goals);
    }

    /// <summary>The service user the case is about.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>Other service users of the household the case covers.</summary>
    public string[] HouseholdServiceUserIds { get; private set; } = [];

    /// <summary>The coordinating member.</summary>
    public string CoordinatorMemberId { get; private set; } = "";

    /// <summary>The coordinator's organization.</summary>
    public string CoordinatorOrganizationId { get; private set; } = "";

    /// <summary>When the coordinator's membership ends or ended, as the directory last said; null when no end is known.</summary>
    public DateTimeOffset? CoordinatorEndsAt { get; private set; }

    /// <summary>The version of the coordinator's membership that <see cref="CoordinatorEndsAt"/> comes from.</summary>
    public long CoordinatorVersion { get; private set; }

    /// <summary>The plan.</summary>
    public string Plan { get; private set; } = "";

    /// <summary>The goals, in the plan's order.</summary>
    public IReadOnlyList<Goal> Goals => [.. _goals.OrderBy(g => g.Position)];

    /// <summary>Open or closed.</summary>
    public CaseStatus Status { get; private set; }

    /// <summary>Why it was closed.</summary>
    public string CloseReason { get; private set; } = "";

    /// <summary>When it was closed.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>Whether the coordinator has left (or will have by <paramref name="now"/>) and nobody took over.</summary>
    public bool HandoverNeededAt(DateTimeOffset now) => Status == CaseStatus.Open && CoordinatorEndsAt <= now;

    /// <summary>Changes the plan, goals and household.</summary>
    public void Change(string plan, IReadOnlyList<GoalSpec> goals, IReadOnlyList<string> household, DateTimeOffset now)
    {
        EnsureOpen();
        Plan = plan;
        HouseholdServiceUserIds = [.. household.Distinct()];
        ReplaceGoals(goals);
        Touch(now);
    }

    /// <summary>What the previous coordinator handed over with the case, for the new one.</summary>
    public string HandoverNote { get; private set; } = "";

    /// <summary>Hands the case to <paramref name="coordinator"/> with <paramref name="note"/>; returns the member who coordinated it.</summary>
    public string HandOverTo(Coordinator coordinator, string note, DateTimeOffset now)
    {
        EnsureOpen();
        if (coordinator.MemberId == CoordinatorMemberId)
        {
            throw new DomainRuleException("SAME_COORDINATOR", "That member coordinates the case already.");
        }

        var previous = CoordinatorMemberId;
        AssignCoordinator(coordinator);
        HandoverNote = note;
        Touch(now);
        return previous;
    }

    /// <summary>
    /// Records what the directory says of the coordinator's membership (only a newer version counts); returns whether the
    /// end of the membership changed.
    /// </summary>
    public bool CoordinatorMembershipChanged(DateTimeOffset? endsAt, long version, DateTimeOffset now)
    {
        if (Status != CaseStatus.Open || version <= CoordinatorVersion)
        {
            return false;
        }

        CoordinatorVersion = version;
        if (CoordinatorEndsAt != endsAt)
        {
            CoordinatorEndsAt = endsAt;
            Touch(now);
            return true;
        }

        return false;
    }

    /// <summary>Closes the case with <paramref name="reason"/>.</summary>
    public void Close(string reason, DateTimeOffset now)
    {
        EnsureOpen();
        Status = CaseStatus.Closed;
        CloseReason = reason;
        ClosedAt = now;
        Touch(now);
    }

    /// <summary>Moves the case of a merged duplicate to the record it was merged into.</summary>
    public void MoveTo(string serviceUserId, DateTimeOffset now)
    {
        ServiceUserId = serviceUserId;
        Touch(now);
    }

    private void AssignCoordinator(Coordinator coordinator)
    {
        CoordinatorMemberId = coordinator.MemberId;
        CoordinatorOrganizationId = coordinator.OrganizationId;
        CoordinatorEndsAt = coordinator.EndsAt;
        CoordinatorVersion = coordinator.Version;
    }

    // Goals with an id keep it (and must be goals of this case); goals without one are new; goals left out are removed.
    private void ReplaceGoals(IReadOnlyList<GoalSpec> goals)
    {
        var kept = goals.Where(g => g.Id is not null).Select(g => g.Id!).ToHashSet();
        if (kept.Except(_goals.Select(g => g.Id)).FirstOrDefault() is { } unknown)
        {
            throw new DomainRuleException("UNKNOWN_GOAL", $"Goal '{unknown.Capped(64, "…")}' is not a goal of this case; send new goals without an id.");
        }

        _goals.RemoveAll(g => !kept.Contains(g.Id));
        for (var position = 0; position < goals.Count; position++)
        {
            var spec = goals[position];
            if (spec.Id is null)
            {
                _goals.Add(new Goal(Id, spec, position));
            }
            else
            {
                _goals.Single(g => g.Id == spec.Id).Apply(spec, position);
            }
        }
    }

    private void EnsureOpen()
    {
        if (Status != CaseStatus.Open)
        {
            throw new DomainRuleException("CASE_CLOSED", "The case is closed; open a new one.");
        }
    }
}

/// <summary>A member who may coordinate: an active professional, with what the directory says of their membership.</summary>
/// <param name="MemberId">The member.</param>
/// <param name="OrganizationId">The member's organization.</param>
/// <param name="EndsAt">When the membership ends, if an end is known.</param>
/// <param name="Version">The membership's version.</param>
public sealed record Coordinator(string MemberId, string OrganizationId, DateTimeOffset? EndsAt, long Version);
