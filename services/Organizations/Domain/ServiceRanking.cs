using System.Globalization;
using ReferralNet.Platform.Domain;

namespace ReferralNet.Organizations.Domain;

/// <summary>What a service user needs from the directory.</summary>
/// <param name="LifeDomains">The life domains of the need; a service matches any of them.</param>
/// <param name="Neighbourhood">The service user's neighbourhood, if known.</param>
/// <param name="Language">The service user's preferred language, if any.</param>
/// <param name="LanguageRequired">Leave out services not offered in the language.</param>
/// <param name="ServiceUserAge">The service user's age, if known.</param>
/// <param name="IncludeUnavailable">Also list full, ended and not-yet-active services.</param>
public sealed record SearchCriteria(
    IReadOnlyCollection<LifeDomain> LifeDomains,
    string? Neighbourhood,
    string? Language,
    bool LanguageRequired,
    int? ServiceUserAge,
    bool IncludeUnavailable);

/// <summary>
/// Where a service ranks in one search, lower first: available services first, then those that serve the neighbourhood
/// specifically (their eligibility or their organization's neighbourhoods), then those offered in the language, then the
/// shortest wait; the service id breaks ties, so the order is total and pages never overlap.
/// </summary>
/// <param name="Tier">Availability, neighbourhood and language folded into one number (see <see cref="TierOf"/>).</param>
/// <param name="TypicalWaitDays">The service's typical wait.</param>
/// <param name="ServiceId">The service.</param>
public readonly record struct ServiceRank(int Tier, int TypicalWaitDays, string ServiceId)
{
    private const int UnavailableWeight = 4;
    private const int ElsewhereWeight = 2;
    private const int OtherLanguageWeight = 1;

    /// <summary>Active with open places.</summary>
    public bool Available => (Tier & UnavailableWeight) == 0;

    /// <summary>Serves the neighbourhood asked for specifically.</summary>
    public bool NeighbourhoodMatch => (Tier & ElsewhereWeight) == 0;

    /// <summary>Offered in the language asked for.</summary>
    public bool LanguageMatch => (Tier & OtherLanguageWeight) == 0;

    /// <summary>The sort key, as kept in page tokens.</summary>
    public string[] SortKey => [Tier.ToString(CultureInfo.InvariantCulture), TypicalWaitDays.ToString(CultureInfo.InvariantCulture), ServiceId];

    /// <summary>Availability outweighs neighbourhood, which outweighs language.</summary>
    public static int TierOf(bool available, bool neighbourhoodMatch, bool languageMatch) =>
        (available ? 0 : UnavailableWeight) + (neighbourhoodMatch ? 0 : ElsewhereWeight) + (languageMatch ? 0 : OtherLanguageWeight);

    /// <summary>The rank a page token's sort key holds.</summary>
    public static ServiceRank FromSortKey(string[] key) =>
        key.Length == 3 && int.TryParse(key[0], CultureInfo.InvariantCulture, out var tier) && int.TryParse(key[1], CultureInfo.InvariantCulture, out var wait)
            ? new ServiceRank(tier, wait, key[2])
            : throw new FormatException("Malformed sort key.");

    /// <summary>Negative when this ranks before <paramref name="other"/>, positive when after, zero for the same service.</summary>
    public int CompareTo(ServiceRank other)
    {
        var order = Tier.CompareTo(other.Tier);
        if (order == 0)
        {
            order = TypicalWaitDays.CompareTo(other.TypicalWaitDays);
        }

        return order != 0 ? order : string.CompareOrdinal(ServiceId, other.ServiceId);
    }

    /// <summary>Why the service ranks here, in words; built only for the services a page returns.</summary>
    public string ReasonFor(SearchCriteria criteria)
    {
        var reasons = new List<string>(4) { Available ? "available" : "unavailable (full or outside its active period)" };
        if (criteria.Neighbourhood is { } neighbourhood)
        {
            reasons.Add(NeighbourhoodMatch ? $"serves {neighbourhood}" : "city-wide");
        }

        if (criteria.Language is { } language)
        {
            reasons.Add(LanguageMatch ? $"offered in {language}" : $"not offered in {language}");
        }

        reasons.Add(string.Create(CultureInfo.InvariantCulture, $"wait {TypicalWaitDays} days"));
        return string.Join("; ", reasons);
    }
}

/// <summary>
/// The best few of many ranked items, in order, without sorting them all: a bounded heap keeps the <c>capacity</c> best
/// seen so far, so a search over thousands of services costs one comparison for most of them and allocates per page, not
/// per candidate.
/// </summary>
/// <typeparam name="T">What is ranked.</typeparam>
/// <param name="capacity">How many to keep.</param>
public sealed class TopRanked<T>(int capacity)
{
    // The worst kept item on top, so a better candidate replaces it.
    private static readonly Comparer<ServiceRank> WorstFirst = Comparer<ServiceRank>.Create((a, b) => b.CompareTo(a));
    private readonly PriorityQueue<T, ServiceRank> _kept = new(capacity + 1, WorstFirst);

    /// <summary>Offers an item; it is kept if it ranks among the best <c>capacity</c> offered.</summary>
    public void Offer(T item, ServiceRank rank)
    {
        if (_kept.Count < capacity)
        {
            _kept.Enqueue(item, rank);
        }
        else if (capacity > 0 && _kept.TryPeek(out _, out var worst) && rank.CompareTo(worst) < 0)
        {
            _kept.DequeueEnqueue(item, rank);
        }
    }

    /// <summary>The kept items, best first.</summary>
    public List<(T Item, ServiceRank Rank)> InOrder()
    {
        var ordered = new List<(T, ServiceRank)>(_kept.Count);
        while (_kept.TryDequeue(out var item, out var rank))
        {
            ordered.Add((item, rank));
        }

        ordered.Reverse();
        return ordered;
    }
}
