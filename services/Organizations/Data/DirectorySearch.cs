using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;

namespace ReferralNet.Organizations.Data;

/// <summary>
/// The filtering half of directory search, in the database: the life-domain index narrows the services first,
/// then age, neighbourhood eligibility and availability filter inside the same query. Only the few columns ranking
/// needs come back; the page's services are loaded whole afterwards.
/// </summary>
internal static class DirectorySearch
{
    public static async Task<List<ServiceCandidate>> FindCandidatesAsync(
        this OrganizationsDbContext db, SearchCriteria criteria, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var domains = criteria.LifeDomains.ToList();
        var services = db.Services.AsNoTracking().Where(s => s.LifeDomains.Any(d => domains.Contains(d.Domain)));
        if (criteria.ServiceUserAge is { } age)
        {
            services = services.Where(s => (s.MinAge == null || s.MinAge <= age) && (s.MaxAge == null || s.MaxAge >= age));
        }

        if (criteria.Neighbourhood is { } neighbourhood)
        {
            services = services.Where(s => s.EligibleNeighbourhoods.Length == 0 || s.EligibleNeighbourhoods.Contains(neighbourhood));
        }

        if (criteria.LanguageRequired && criteria.Language is { } language)
        {
            services = services.Where(s => s.Languages.Contains(language));
        }

        var includeUnavailable = criteria.IncludeUnavailable;
        var rows = await services
            .Join(db.Organizations.Where(o => o.DeactivatedAt == null), s => s.OrganizationId, o => o.Id, (s, o) => new
            {
                s.Id,
                OrganizationName = o.Name,
                s.EligibleNeighbourhoods,
                OrganizationNeighbourhoods = o.Neighbourhoods,
                s.Languages,
                s.TypicalWaitDays,
                // Available: inside its active period (see Service.StatusAt) and with open places.
                Available = s.OpenPlaces > 0 && s.ActiveFrom <= now && (s.ActiveUntil == null || s.ActiveUntil > now),
            })
            .Where(r => includeUnavailable || r.Available)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new ServiceCandidate(
            r.Id,
            r.OrganizationName,
            r.EligibleNeighbourhoods,
            r.OrganizationNeighbourhoods,
            r.Languages,
            r.TypicalWaitDays,
            r.Available))];
    }
}
