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

/// <summary>A service that passed the filters, with what ranking needs to know.</summary>
/// <param name="ServiceId">The service.</param>
/// <param name="OrganizationName">Name of the organization offering it.</param>
/// <param name="EligibleNeighbourhoods">Neighbourhoods the service is restricted to; empty is city-wide.</param>
/// <param name="OrganizationNeighbourhoods">Neighbourhoods its organization works in.</param>
/// <param name="Languages">Languages it is offered in.</param>
/// <param name="TypicalWaitDays">Typical wait.</param>
/// <param name="Available">Active with open places.</param>
public sealed record ServiceCandidate(
    string ServiceId,
    string OrganizationName,
    IReadOnlyList<string> EligibleNeighbourhoods,
    IReadOnlyList<string> OrganizationNeighbourhoods,
    IReadOnlyList<string> Languages,
    int TypicalWaitDays,
    bool Available);

/// <summary>A candidate with its place in the ranking and the reason for it.</summary>
/// <param name="Candidate">The service.</param>
/// <param name="NeighbourhoodMatch">It serves the neighbourhood specifically.</param>
/// <param name="LanguageMatch">It is offered in the language.</param>
/// <param name="Reason">Why it ranks here, in words.</param>
public sealed record RankedService(ServiceCandidate Candidate, bool NeighbourhoodMatch, bool LanguageMatch, string Reason)
{
    // Lower ranks first: availability outweighs neighbourhood, which outweighs language.
    private int Tier => (Candidate.Available ? 0 : 4) + (NeighbourhoodMatch ? 0 : 2) + (LanguageMatch ? 0 : 1);

    /// <summary>The sort key, as kept in page tokens.</summary>
    public string[] SortKey => [Tier.ToString(CultureInfo.InvariantCulture), Candidate.TypicalWaitDays.ToString(CultureInfo.InvariantCulture), Candidate.ServiceId];

    /// <summary>True when this service sorts after the one whose key is <paramref name="key"/>.</summary>
    public bool ComesAfter(string[] key) =>
        key.Length == 3 && int.TryParse(key[0], CultureInfo.InvariantCulture, out var tier) && int.TryParse(key[1], CultureInfo.InvariantCulture, out var wait)
            ? (Tier, Candidate.TypicalWaitDays).CompareTo((tier, wait)) switch
            {
                0 => string.CompareOrdinal(Candidate.ServiceId, key[2]) > 0,
                var order => order > 0,
            }
            : throw new FormatException("Malformed sort key.");

    /// <summary>Orders services: available first, then neighbourhood match, then language match, then shortest wait.</summary>
    public static IReadOnlyList<RankedService> Rank(IEnumerable<ServiceCandidate> candidates, SearchCriteria criteria) =>
        [.. candidates
            .Select(c => Explain(c, criteria))
            .Where(r => !criteria.LanguageRequired || r.LanguageMatch)
            .OrderBy(r => r.Tier)
            .ThenBy(r => r.Candidate.TypicalWaitDays)
            .ThenBy(r => r.Candidate.ServiceId, StringComparer.Ordinal)];

    private static RankedService Explain(ServiceCandidate candidate, SearchCriteria criteria)
    {
        var neighbourhood = criteria.Neighbourhood;
        var servesNeighbourhood = neighbourhood is not null
            && (candidate.EligibleNeighbourhoods.Contains(neighbourhood) || candidate.OrganizationNeighbourhoods.Contains(neighbourhood));
        var language = criteria.Language;
        var offersLanguage = language is not null && candidate.Languages.Contains(language);
        var reasons = new List<string> { candidate.Available ? "available" : "unavailable (full or outside its active period)" };
        if (neighbourhood is not null)
        {
            reasons.Add(servesNeighbourhood ? $"serves {neighbourhood}" : "city-wide");
        }

        if (language is not null)
        {
            reasons.Add(offersLanguage ? $"offered in {language}" : $"not offered in {language}");
        }

        reasons.Add(string.Create(CultureInfo.InvariantCulture, $"wait {candidate.TypicalWaitDays} days"));
        return new RankedService(candidate, servesNeighbourhood, offersLanguage, string.Join("; ", reasons));
    }
}
