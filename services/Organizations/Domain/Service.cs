using System.Linq.Expressions;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Organizations.Domain;

/// <summary>Where a service stands at a moment.</summary>
public enum ServiceStatus
{
    /// <summary>Active: takes referrals.</summary>
    Active = 1,

    /// <summary>Its active period has not started.</summary>
    NotYetActive = 2,

    /// <summary>Its active period is over (funding ended, or it was deactivated).</summary>
    Ended = 3,
}

/// <summary>Who may use a service.</summary>
/// <param name="MinAge">Youngest age served, inclusive.</param>
/// <param name="MaxAge">Oldest age served, inclusive.</param>
/// <param name="Neighbourhoods">Neighbourhoods whose residents are served; empty is the whole city.</param>
public sealed record Eligibility(int? MinAge, int? MaxAge, IReadOnlyList<string> Neighbourhoods)
{
    /// <summary>Ages a person can have.</summary>
    public const int MaxHumanAge = 130;

    /// <summary>True when the bounds are ages and the lower is not above the upper.</summary>
    public static bool IsValidAgeRange(int? minAge, int? maxAge) =>
        minAge is null or (>= 0 and <= MaxHumanAge) && maxAge is null or (>= 0 and <= MaxHumanAge) && !(minAge > maxAge);
}

/// <summary>The changeable details of a service.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Description">What it does.</param>
/// <param name="LifeDomains">The life domains it helps in.</param>
/// <param name="Eligibility">Who may use it.</param>
/// <param name="Languages">Languages it is offered in.</param>
/// <param name="OpenPlaces">Places open for new referrals.</param>
/// <param name="TypicalWaitDays">Typical wait until first contact.</param>
/// <param name="AcknowledgementDeadline">How long it may take to accept or decline a referral.</param>
/// <param name="ActiveFrom">Start of the active period.</param>
/// <param name="ActiveUntil">End of the active period; null is open-ended.</param>
public sealed record ServiceDetails(
    string Name,
    string Description,
    IReadOnlyCollection<LifeDomain> LifeDomains,
    Eligibility Eligibility,
    IReadOnlyList<string> Languages,
    int OpenPlaces,
    int TypicalWaitDays,
    TimeSpan AcknowledgementDeadline,
    DateTimeOffset ActiveFrom,
    DateTimeOffset? ActiveUntil)
{
    /// <summary>Shortest acknowledgement deadline.</summary>
    public static readonly TimeSpan MinAcknowledgementDeadline = TimeSpan.FromHours(1);

    /// <summary>Longest acknowledgement deadline.</summary>
    public static readonly TimeSpan MaxAcknowledgementDeadline = TimeSpan.FromDays(90);

    /// <summary>True when the active period ends after it starts.</summary>
    public static bool IsValidActivePeriod(DateTimeOffset activeFrom, DateTimeOffset? activeUntil) =>
        activeUntil is null || activeUntil > activeFrom;
}

/// <summary>
/// A service an organization offers. Short-term funding is the norm, so a service has an active period;
/// outside it the service takes no referrals but stays readable for the referrals that point to it.
/// </summary>
public sealed class Service : VersionedEntity
{
    private readonly List<ServiceLifeDomain> _lifeDomains = [];

    private Service()
    {
    }

    /// <summary>A new service of <paramref name="organization"/>.</summary>
    public Service(Organization organization, ServiceDetails details, DateTimeOffset now)
        : base(now)
    {
        if (!organization.IsActive)
        {
            throw new DomainRuleException("ORGANIZATION_DEACTIVATED", "A deactivated organization offers no new services.");
        }

        OrganizationId = organization.Id;
        Apply(details);
    }

    /// <summary>The organization that offers it.</summary>
    public string OrganizationId { get; private init; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; private set; } = "";

    /// <summary>What it does.</summary>
    public string Description { get; private set; } = "";

    /// <summary>The life domains it helps in (a table of their own, indexed for directory search).</summary>
    public IReadOnlyCollection<ServiceLifeDomain> LifeDomains => _lifeDomains;

    /// <summary>Youngest age served.</summary>
    public int? MinAge { get; private set; }

    /// <summary>Oldest age served.</summary>
    public int? MaxAge { get; private set; }

    /// <summary>Neighbourhoods whose residents are served; empty is the whole city.</summary>
    public string[] EligibleNeighbourhoods { get; private set; } = [];

    /// <summary>Languages it is offered in.</summary>
    public string[] Languages { get; private set; } = [];

    /// <summary>Places open for new referrals.</summary>
    public int OpenPlaces { get; private set; }

    /// <summary>Typical wait until first contact, in days.</summary>
    public int TypicalWaitDays { get; private set; }

    /// <summary>How long it may take to accept or decline a referral before it expires.</summary>
    public TimeSpan AcknowledgementDeadline { get; private set; }

    /// <summary>Start of the active period.</summary>
    public DateTimeOffset ActiveFrom { get; private set; }

    /// <summary>End of the active period; null is open-ended.</summary>
    public DateTimeOffset? ActiveUntil { get; private set; }

    /// <summary>The current details, to merge a partial update into.</summary>
    public ServiceDetails Details => new(
        Name, Description, [.. _lifeDomains.Select(d => d.Domain)], new Eligibility(MinAge, MaxAge, EligibleNeighbourhoods),
        Languages, OpenPlaces, TypicalWaitDays, AcknowledgementDeadline, ActiveFrom, ActiveUntil);

    /// <summary>Where the service stands at <paramref name="now"/>.</summary>
    public ServiceStatus StatusAt(DateTimeOffset now) =>
        now < ActiveFrom ? ServiceStatus.NotYetActive
        : ActiveUntil is { } until && until <= now ? ServiceStatus.Ended
        : ServiceStatus.Active;

    /// <summary>Services whose active period has not ended by <paramref name="now"/>, as a database filter.</summary>
    public static Expression<Func<Service, bool>> NotEndedAt(DateTimeOffset now) =>
        s => s.ActiveUntil == null || s.ActiveUntil > now;

    /// <summary>
    /// Changes the service; extending the active period of an ended service brings it back, so the services of a
    /// deactivated organization cannot be changed (it has none active, and none comes back).
    /// </summary>
    public void Change(Organization organization, ServiceDetails details, DateTimeOffset now)
    {
        if (!organization.IsActive)
        {
            throw new DomainRuleException("ORGANIZATION_DEACTIVATED", "The services of a deactivated organization cannot be changed.");
        }

        Apply(details);
        Touch(now);
    }

    /// <summary>Ends the service now: no new referrals.</summary>
    public void Deactivate(DateTimeOffset now)
    {
        if (StatusAt(now) == ServiceStatus.Ended)
        {
            throw new DomainRuleException("SERVICE_ENDED", "The service has already ended.");
        }

        ActiveUntil = now;
        if (ActiveFrom > now)
        {
            ActiveFrom = now;
        }

        Touch(now);
    }

    private void Apply(ServiceDetails details)
    {
        if (details.LifeDomains.Count == 0 || details.Languages.Count == 0)
        {
            throw new DomainRuleException("SERVICE_INCOMPLETE", "A service helps in at least one life domain and is offered in at least one language.");
        }

        if (!Eligibility.IsValidAgeRange(details.Eligibility.MinAge, details.Eligibility.MaxAge))
        {
            throw new DomainRuleException("AGE_RANGE_INVERTED", "The minimum age must not be above the maximum age.");
        }

        if (!ServiceDetails.IsValidActivePeriod(details.ActiveFrom, details.ActiveUntil))
        {
            throw new DomainRuleException("PERIOD_INVERTED", "The active period must end after it starts.");
        }

        if (details.OpenPlaces < 0 || details.TypicalWaitDays < 0
            || details.AcknowledgementDeadline < ServiceDetails.MinAcknowledgementDeadline
            || details.AcknowledgementDeadline > ServiceDetails.MaxAcknowledgementDeadline)
        {
            throw new DomainRuleException("CAPACITY_OR_DEADLINE_OUT_OF_RANGE", "Capacity must not be negative and the acknowledgement deadline must lie between one hour and 90 days.");
        }

        Name = UnicodeText.Normalize(details.Name);
        Description = details.Description;
        _lifeDomains.RemoveAll(d => !details.LifeDomains.Contains(d.Domain));
        foreach (var domain in details.LifeDomains.Distinct().Where(d => _lifeDomains.TrueForAll(existing => existing.Domain != d)))
        {
            _lifeDomains.Add(new ServiceLifeDomain(domain));
        }

        MinAge = details.Eligibility.MinAge;
        MaxAge = details.Eligibility.MaxAge;
        EligibleNeighbourhoods = [.. details.Eligibility.Neighbourhoods.Distinct()];
        Languages = [.. details.Languages.Distinct()];
        OpenPlaces = details.OpenPlaces;
        TypicalWaitDays = details.TypicalWaitDays;
        AcknowledgementDeadline = details.AcknowledgementDeadline;
        ActiveFrom = details.ActiveFrom;
        ActiveUntil = details.ActiveUntil;
    }
}

/// <summary>One life domain a service helps in.</summary>
/// <param name="Domain">The life domain.</param>
public sealed record ServiceLifeDomain(LifeDomain Domain);
