using ReferralNet.Platform.Domain;

namespace ReferralNet.Spanners.Domain;

/// <summary>The service user a spanner is sought for, as far as matching needs to know.</summary>
/// <param name="Languages">The service user's languages, preferred first.</param>
/// <param name="Domains">The life domains the support is for.</param>
/// <param name="KnownSpannerIds">Spanners who support or supported someone of the household (continuity).</param>
public sealed record SupportSeeker(IReadOnlyList<string> Languages, string Neighbourhood, IReadOnlyList<LifeDomain> Domains, IReadOnlySet<string> KnownSpannerIds);

/// <summary>A spanner with the places its open assignments hold.</summary>
public sealed record SpannerCandidate(BoundarySpanner Spanner, int HeldPlaces);

/// <summary>How a spanner fits a service user: each criterion it meets.</summary>
public sealed record SpannerFit(
    BoundarySpanner Spanner, bool SpeaksPreferred, IReadOnlyList<string> SharedLanguages, bool InNeighbourhood, IReadOnlyList<LifeDomain> MatchedDomains, int FreePlaces,
    bool KnownToHousehold)
{
    /// <summary>The criteria met, in rank order, for people: "speaks ar; knows the household; active in moerwijk; debt; 2 places free".</summary>
    public string Reason(string neighbourhood) => string.Join("; ", new[]
    {
        SharedLanguages.Count > 0 ? $"speaks {string.Join(", ", SharedLanguages)}" : null,
        KnownToHousehold ? "knows the household" : null,
        InNeighbourhood ? $"active in {neighbourhood}" : null,
        MatchedDomains.Count > 0 ? string.Join(", ", MatchedDomains.Select(EnumWords.Of)) : null,
        FreePlaces == 1 ? "1 place free" : $"{FreePlaces} places free",
    }.Where(part => part is not null));
}

/// <summary>
/// Ranks the spanners who can take a service user on. Left out: spanners who cannot take anyone on (paused, stopped, full,
/// a high burden, a certificate of conduct missing or too old) and, by the language rule, those the service user could not
/// talk with: someone who speaks no Dutch is matched only to spanners who share a language with them, and with
/// <c>languageRequired</c> everyone only to spanners who speak their preferred language. The rest rank by, in this order:
/// the preferred language, continuity (already known to the household), the neighbourhood, the number of the sought
/// domains they support in, any shared language, free places; the id breaks ties so that pages are stable.
/// </summary>
public static class SpannerMatching
{
    /// <summary>The language everyone in the network's organizations speaks.</summary>
    public const string Dutch = "nl";

    /// <summary>The fitting spanners, best first.</summary>
    public static List<SpannerFit> Rank(SupportSeeker seeker, IEnumerable<SpannerCandidate> candidates, bool languageRequired, DateOnly today, SpannerPolicy policy)
    {
        var preferred = seeker.Languages.FirstOrDefault();
        var speaksDutch = seeker.Languages.Contains(Dutch);
        var fits = new List<SpannerFit>();
        foreach (var (spanner, held) in candidates)
        {
            if (!spanner.CanTakeOn(held, today, policy))
            {
                continue;
            }

            var shared = seeker.Languages.Where(spanner.Languages.Contains).ToList();
            var speaksPreferred = preferred is not null && spanner.Languages.Contains(preferred);
            if ((languageRequired && !speaksPreferred) || (!speaksDutch && shared.Count == 0))
            {
                continue;
            }

            fits.Add(new SpannerFit(
                spanner, speaksPreferred, shared, spanner.Neighbourhoods.Contains(seeker.Neighbourhood),
                [.. seeker.Domains.Where(spanner.LifeDomains.Contains)], spanner.MaxServiceUsers - held, seeker.KnownSpannerIds.Contains(spanner.Id)));
        }

        return [.. fits
            .OrderByDescending(f => f.SpeaksPreferred)
            .ThenByDescending(f => f.KnownToHousehold)
            .ThenByDescending(f => f.InNeighbourhood)
            .ThenByDescending(f => f.MatchedDomains.Count)
            .ThenByDescending(f => f.SharedLanguages.Count > 0)
            .ThenByDescending(f => f.FreePlaces)
            .ThenBy(f => f.Spanner.Id, StringComparer.Ordinal)];
    }
}
