using ReferralNet.Platform.Domain;

namespace ReferralNet.Referrals.Domain;

/// <summary>What a referral is checked against: who the service takes.</summary>
/// <param name="AgeYears">The service user's age in whole years.</param>
/// <param name="Neighbourhood">The service user's neighbourhood code.</param>
/// <param name="LifeDomain">The need's life domain.</param>
/// <param name="AcceptsWait">The sender accepts a waiting list when the service is full.</param>
public sealed record ReferralCandidate(int AgeYears, string Neighbourhood, LifeDomain LifeDomain, bool AcceptsWait);

/// <summary>
/// A service of the directory as its ServiceChanged events describe it: this service's own copy, so that a referral is
/// checked without asking the organizations service (and without its database).
/// </summary>
public sealed class KnownService
{
    private KnownService()
    {
    }

    /// <summary>A service first seen in an event of <paramref name="version"/>.</summary>
    public KnownService(string id, string organizationId, long version) => (Id, OrganizationId, Version) = (id, organizationId, version);

    /// <summary>The service's id.</summary>
    public string Id { get; private init; } = "";

    /// <summary>The organization offering it.</summary>
    public string OrganizationId { get; private init; } = "";

    /// <summary>Its name, for messages.</summary>
    public string Name { get; private set; } = "";

    /// <summary>The life domains it helps with, one bit each.</summary>
    public int DomainMask { get; private set; }

    /// <summary>Youngest age taken.</summary>
    public int? MinAge { get; private set; }

    /// <summary>Oldest age taken.</summary>
    public int? MaxAge { get; private set; }

    /// <summary>Neighbourhoods served; empty means everywhere.</summary>
    public string[] Neighbourhoods { get; private set; } = [];

    /// <summary>Places open now.</summary>
    public int OpenPlaces { get; private set; }

    /// <summary>Typical wait when full, in days.</summary>
    public int TypicalWaitDays { get; private set; }

    /// <summary>How long the receiver has to see a referral before it expires.</summary>
    public TimeSpan AcknowledgementDeadline { get; private set; }

    /// <summary>Start of the active period.</summary>
    public DateTimeOffset? ActiveStart { get; private set; }

    /// <summary>End of the active period.</summary>
    public DateTimeOffset? ActiveEnd { get; private set; }

    /// <summary>The directory had ended it (deactivated, or its period over) when it published this version.</summary>
    public bool Ended { get; private set; }

    /// <summary>The newest version applied.</summary>
    public long Version { get; private set; }

    /// <summary>The bit of <paramref name="domain"/> in <see cref="DomainMask"/>.</summary>
    public static int BitOf(LifeDomain domain) => 1 << (int)domain;

    /// <summary>Applies the service as of <paramref name="version"/>; an older version than the one applied changes nothing.</summary>
    /// <returns>False when the version was not newer.</returns>
    public bool Apply(long version, ServiceTerms terms)
    {
        if (version < Version || (version == Version && Name.Length > 0))
        {
            return false;
        }

        Version = version;
        Name = terms.Name;
        DomainMask = terms.LifeDomains.Aggregate(0, (mask, d) => mask | BitOf(d));
        MinAge = terms.MinAge;
        MaxAge = terms.MaxAge;
        Neighbourhoods = [.. terms.Neighbourhoods];
        OpenPlaces = terms.OpenPlaces;
        TypicalWaitDays = terms.TypicalWaitDays;
        AcknowledgementDeadline = terms.AcknowledgementDeadline;
        ActiveStart = terms.ActiveStart;
        ActiveEnd = terms.ActiveEnd;
        Ended = terms.Ended;
        return true;
    }

    /// <summary>True when the service takes referrals at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => !Ended && (ActiveStart is null || ActiveStart <= now) && (ActiveEnd is null || ActiveEnd > now);

    /// <summary>Refuses a referral the service cannot take, with the rule it breaks.</summary>
    public void EnsureTakes(ReferralCandidate candidate, DateTimeOffset now)
    {
        if (!IsActiveAt(now))
        {
            throw new DomainRuleException("SERVICE_NOT_ACTIVE", $"The service '{Name}' does not take referrals now (not active, or its active period ended).");
        }

        if ((DomainMask & BitOf(candidate.LifeDomain)) == 0)
        {
            throw new DomainRuleException("WRONG_SERVICE", $"The service '{Name}' does not help with {candidate.LifeDomain}.");
        }

        if ((MinAge is { } min && candidate.AgeYears < min) || (MaxAge is { } max && candidate.AgeYears > max))
        {
            throw new DomainRuleException("NOT_ELIGIBLE", $"The service '{Name}' takes people aged {MinAge?.ToString() ?? "any"} to {MaxAge?.ToString() ?? "any"}; the service user is not.");
        }

        if (Neighbourhoods.Length > 0 && !Neighbourhoods.Contains(candidate.Neighbourhood))
        {
            throw new DomainRuleException("OUTSIDE_AREA", $"The service '{Name}' does not cover the service user's neighbourhood.");
        }

        if (OpenPlaces <= 0 && !candidate.AcceptsWait)
        {
            throw new DomainRuleException("NO_CAPACITY", $"The service '{Name}' has no open places (typical wait {TypicalWaitDays} days); refer with accept_wait to join its waiting list.");
        }
    }
}

/// <summary>A service's terms as one ServiceChanged event states them.</summary>
/// <param name="Name">Its name.</param>
/// <param name="LifeDomains">The life domains it helps with.</param>
/// <param name="MinAge">Youngest age taken.</param>
/// <param name="MaxAge">Oldest age taken.</param>
/// <param name="Neighbourhoods">Neighbourhoods served.</param>
/// <param name="OpenPlaces">Places open.</param>
/// <param name="TypicalWaitDays">Typical wait.</param>
/// <param name="AcknowledgementDeadline">Time to see a referral.</param>
/// <param name="ActiveStart">Start of the active period.</param>
/// <param name="ActiveEnd">End of the active period.</param>
/// <param name="Ended">Ended when published.</param>
public sealed record ServiceTerms(
    string Name, IReadOnlyList<LifeDomain> LifeDomains, int? MinAge, int? MaxAge, IReadOnlyList<string> Neighbourhoods, int OpenPlaces, int TypicalWaitDays,
    TimeSpan AcknowledgementDeadline, DateTimeOffset? ActiveStart, DateTimeOffset? ActiveEnd, bool Ended);
