using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Organizations.Data;

/// <summary>A page of directory search: the services in rank order, and whether more follow.</summary>
/// <param name="Matches">The page.</param>
/// <param name="More">True when services rank after the last one.</param>
public sealed record DirectoryPage(IReadOnlyList<DirectoryMatch> Matches, bool More);

/// <summary>A service found by directory search.</summary>
/// <param name="Service">The service as committed when the index was built (never changed: it is shared by every search).</param>
/// <param name="OrganizationName">Name of the organization offering it.</param>
/// <param name="Rank">Where it ranks.</param>
public sealed record DirectoryMatch(Service Service, string OrganizationName, ServiceRank Rank);

/// <summary>
/// Directory search in memory. The services of active organizations are held per life domain, with neighbourhoods and
/// languages turned into small numbers, so a search looks only at the services of the domains asked for (services of
/// other domains cost nothing), filters and ranks them without allocating, and keeps only the page it returns.
/// The index is current for every search: each search first reads the database's <see cref="DataVersion"/> stamp, which
/// every change to organizations and services renews in its own transaction (whichever process made it), and rebuilds
/// the index when the stamp differs. A change committed before a search started is therefore in its answer.
/// </summary>
public sealed class DirectoryIndex
{
    /// <summary>The entity types the index is built from; a change to any of them renews the data version.</summary>
    public static readonly Type[] BuiltFrom = [typeof(Organization), typeof(Service), typeof(ServiceLifeDomain)];

    private readonly SemaphoreSlim _rebuilding = new(1, 1);
    private volatile Snapshot? _current;

    /// <summary>The best <paramref name="size"/> services ranked after <paramref name="after"/> (from the start when null).</summary>
    public async Task<DirectoryPage> SearchAsync(
        OrganizationsDbContext db, SearchCriteria criteria, ServiceRank? after, int size, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(db, cancellationToken);
        return snapshot.Search(criteria, after, size, now);
    }

    private async Task<Snapshot> CurrentAsync(OrganizationsDbContext db, CancellationToken cancellationToken)
    {
        var stamp = await DataVersion.ReadAsync(db, cancellationToken);
        if (_current is { } current && current.Stamp == stamp)
        {
            return current;
        }

        // One rebuild at a time; searches that saw the same new stamp wait for it instead of building their own.
        await _rebuilding.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } rebuilt && rebuilt.Stamp == stamp)
            {
                return rebuilt;
            }

            // Its stamp is read before its rows, so the rows are at least as new as the stamp this search saw.
            var snapshot = await Snapshot.LoadAsync(db, cancellationToken);
            _current = snapshot;
            return snapshot;
        }
        finally
        {
            _rebuilding.Release();
        }
    }

    /// <summary>One immutable state of the directory, shared by every search until the data version changes.</summary>
    private sealed class Snapshot
    {
        private const int NotAsked = -1;
        private const int Unknown = -2;

        private readonly Entry[][] _byDomain;
        private readonly Dictionary<string, int> _neighbourhoods;
        private readonly Dictionary<string, int> _languages;

        private Snapshot(Guid stamp, Entry[][] byDomain, Dictionary<string, int> neighbourhoods, Dictionary<string, int> languages)
        {
            Stamp = stamp;
            _byDomain = byDomain;
            _neighbourhoods = neighbourhoods;
            _languages = languages;
        }

        public Guid Stamp { get; }

        public static async Task<Snapshot> LoadAsync(OrganizationsDbContext db, CancellationToken cancellationToken)
        {
            var stamp = await DataVersion.ReadAsync(db, cancellationToken);

            // One statement, so services and their organizations come from one consistent state of the database.
            var rows = await db.Services.AsNoTracking()
                .Join(db.Organizations.Where(o => o.DeactivatedAt == null), s => s.OrganizationId, o => o.Id, (s, o) => new { Service = s, o.Name, o.Neighbourhoods })
                .ToListAsync(cancellationToken);

            var neighbourhoods = new Dictionary<string, int>(StringComparer.Ordinal);
            var languages = new Dictionary<string, int>(StringComparer.Ordinal);
            var byDomain = new List<Entry>[Enum.GetValues<LifeDomain>().Max(d => (int)d) + 1];
            for (var i = 0; i < byDomain.Length; i++)
            {
                byDomain[i] = [];
            }

            foreach (var row in rows)
            {
                var service = row.Service;
                var entry = new Entry(
                    service,
                    row.Name,
                    service.LifeDomains.Aggregate(0, (mask, d) => mask | Bit(d.Domain)),
                    Numbers(service.EligibleNeighbourhoods, neighbourhoods),
                    Numbers([.. service.EligibleNeighbourhoods, .. row.Neighbourhoods], neighbourhoods),
                    Numbers(service.Languages, languages));
                foreach (var domain in service.LifeDomains)
                {
                    byDomain[(int)domain.Domain].Add(entry);
                }
            }

            return new Snapshot(stamp, [.. byDomain.Select(list => list.ToArray())], neighbourhoods, languages);
        }

        public DirectoryPage Search(SearchCriteria criteria, ServiceRank? after, int size, DateTimeOffset now)
        {
            var neighbourhood = NumberOf(criteria.Neighbourhood, _neighbourhoods);
            var language = NumberOf(criteria.Language, _languages);
            var age = criteria.ServiceUserAge;
            var nowTicks = now.UtcTicks;

            // One more than the page, to know whether another page follows.
            var best = new TopRanked<Entry>(size + 1);
            var seen = 0;
            foreach (var domain in criteria.LifeDomains)
            {
                if ((int)domain < 0 || (int)domain >= _byDomain.Length)
                {
                    continue;
                }

                foreach (ref readonly var entry in _byDomain[(int)domain].AsSpan())
                {
                    // A service of several domains asked for is met once per domain; it counts at the first.
                    if ((entry.Domains & seen) != 0
                        || (age is { } years && (years < entry.MinAge || years > entry.MaxAge))
                        || (neighbourhood != NotAsked && entry.Eligible.Length > 0 && !entry.Eligible.Contains(neighbourhood))
                        || (criteria.LanguageRequired && language != NotAsked && !entry.Languages.Contains(language)))
                    {
                        continue;
                    }

                    var available = entry.AvailableAt(nowTicks);
                    if (!available && !criteria.IncludeUnavailable)
                    {
                        continue;
                    }

                    var rank = new ServiceRank(
                        ServiceRank.TierOf(available, neighbourhood >= 0 && entry.Serves.Contains(neighbourhood), language >= 0 && entry.Languages.Contains(language)),
                        entry.TypicalWaitDays,
                        entry.Id);
                    if (after is null || rank.CompareTo(after.Value) > 0)
                    {
                        best.Offer(entry, rank);
                    }
                }

                seen |= Bit(domain);
            }

            var ranked = best.InOrder();
            var page = ranked.Take(size).Select(r => new DirectoryMatch(r.Item.Service, r.Item.OrganizationName, r.Rank)).ToList();
            return new DirectoryPage(page, ranked.Count > size);
        }

        private static int Bit(LifeDomain domain) => 1 << (int)domain;

        // Names the index has never seen match nothing; a name not asked for is not compared at all.
        private static int NumberOf(string? name, Dictionary<string, int> numbers) =>
            name is null ? NotAsked : numbers.TryGetValue(name, out var number) ? number : Unknown;

        private static int[] Numbers(IEnumerable<string> names, Dictionary<string, int> numbers) =>
            [.. names.Select(name => numbers.TryGetValue(name, out var number) ? number : numbers[name] = numbers.Count).Distinct()];
    }

    /// <summary>
    /// A service with what filtering and ranking read, precomputed and held inline (a search reads a thousand of these in
    /// a row at ten thousand services, so they sit side by side in memory rather than behind references).
    /// </summary>
    private readonly struct Entry(Service service, string organizationName, int domains, int[] eligible, int[] serves, int[] languages)
    {
        private readonly long _activeFrom = service.ActiveFrom.UtcTicks;
        private readonly long _activeUntil = service.ActiveUntil?.UtcTicks ?? long.MaxValue;
        private readonly int _openPlaces = service.OpenPlaces;

        public Service Service { get; } = service;

        public string Id { get; } = service.Id;

        public string OrganizationName { get; } = organizationName;

        /// <summary>Its life domains as bits.</summary>
        public int Domains { get; } = domains;

        public int MinAge { get; } = service.MinAge ?? int.MinValue;

        public int MaxAge { get; } = service.MaxAge ?? int.MaxValue;

        public int TypicalWaitDays { get; } = service.TypicalWaitDays;

        /// <summary>The neighbourhoods it is restricted to; empty is city-wide.</summary>
        public int[] Eligible { get; } = eligible;

        /// <summary>The neighbourhoods it serves specifically: its own restriction and its organization's neighbourhoods.</summary>
        public int[] Serves { get; } = serves;

        public int[] Languages { get; } = languages;

        /// <summary>Inside its active period (as the service's StatusAt defines it) with open places.</summary>
        public bool AvailableAt(long nowTicks) => _openPlaces > 0 && _activeFrom <= nowTicks && _activeUntil > nowTicks;
    }
}
