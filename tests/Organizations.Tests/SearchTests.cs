using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using DomainEligibility = ReferralNet.Organizations.Domain.Eligibility;
using DomainLifeDomain = ReferralNet.Platform.Domain.LifeDomain;
using DomainService = ReferralNet.Organizations.Domain.Service;
using ServiceDetails = ReferralNet.Organizations.Domain.ServiceDetails;

namespace ReferralNet.Organizations.Tests;

public abstract class SearchTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    /// <summary>Services in a neighbourhood of their own, so the ranking among them is known.</summary>
    private async Task<(string Neighbourhood, Dictionary<string, string> Ids, CallOptions Call)> ArrangeAsync()
    {
        var neighbourhood = UniqueNeighbourhood();
        var local = await NewOrganizationAsync(OrganizationKind.DebtCounselling, neighbourhood);
        var citywide = await NewOrganizationAsync(OrganizationKind.DebtCounselling);
        var ids = new Dictionary<string, string>
        {
            ["local-ar-slow"] = (await NewServiceAsync(local, s => { s.Eligibility.Neighbourhoods.Add(neighbourhood); s.Capacity.TypicalWaitDays = 20; })).Id,
            ["local-org-nl"] = (await NewServiceAsync(local, s => { s.Languages.Remove("ar"); s.Capacity.TypicalWaitDays = 1; })).Id,
            ["city-ar-fast"] = (await NewServiceAsync(citywide, s => s.Capacity.TypicalWaitDays = 5)).Id,
            ["city-nl-fastest"] = (await NewServiceAsync(citywide, s => { s.Languages.Remove("ar"); s.Capacity.TypicalWaitDays = 0; })).Id,
            ["elsewhere"] = (await NewServiceAsync(citywide, s => s.Eligibility.Neighbourhoods.Add("schilderswijk"))).Id,
            ["full"] = (await NewServiceAsync(local, s => s.Capacity.OpenPlaces = 0)).Id,
            ["ended"] = (await NewServiceAsync(local, s =>
            {
                s.ActiveStartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(-2));
                s.ActiveEndTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1));
            })).Id,
            ["seniors"] = (await NewServiceAsync(local, s => s.Eligibility.MinAge = 65)).Id,
            ["other-domain"] = (await NewServiceAsync(local, s => { s.LifeDomains.Clear(); s.LifeDomains.Add(LifeDomain.Parenting); })).Id,
        };
        var (_, professional) = await NewMemberAsync(citywide);
        return (neighbourhood, ids, professional);
    }

    protected async Task<List<ServiceMatch>> SearchAllAsync(SearchServicesRequest request, CallOptions call)
    {
        var matches = new List<ServiceMatch>();
        do
        {
            var page = await Directory.SearchServicesAsync(request, call);
            matches.AddRange(page.Matches);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return matches;
    }

    [SkippableFact]
    public async Task Search_ranks_neighbourhood_then_language_then_wait_and_says_why()
    {
        var (neighbourhood, ids, call) = await ArrangeAsync();

        var matches = await SearchAllAsync(new SearchServicesRequest
        {
            LifeDomains = { LifeDomain.Debt, LifeDomain.Income },
            Neighbourhood = neighbourhood,
            Language = "ar",
            ServiceUserAge = 30,
            PageSize = 100,
        }, call);

        var mine = matches.Where(m => ids.ContainsValue(m.Service.Id)).ToList();
        Assert.Equal(
            [ids["local-ar-slow"], ids["local-org-nl"], ids["city-ar-fast"], ids["city-nl-fastest"]],
            mine.Select(m => m.Service.Id));
        Assert.True(mine[0].NeighbourhoodMatch && mine[0].LanguageMatch && mine[0].Available);
        Assert.Equal($"available; serves {neighbourhood}; offered in ar; wait 20 days", mine[0].RankingReason);
        Assert.Equal("available; city-wide; not offered in ar; wait 0 days", mine[3].RankingReason);
        Assert.Equal(Enumerable.Range(1, matches.Count), matches.Select(m => m.Rank));
        Assert.All(matches, m => Assert.Equal(ServiceStatus.Active, m.Service.Status));
        Assert.All(matches, m => Assert.NotEmpty(m.OrganizationName));
    }

    [SkippableFact]
    public async Task Search_pages_give_the_same_order_as_one_big_page()
    {
        var (neighbourhood, _, call) = await ArrangeAsync();
        var request = new SearchServicesRequest { LifeDomains = { LifeDomain.Debt }, Neighbourhood = neighbourhood, Language = "ar", IncludeUnavailable = true };

        var onePage = (await Directory.SearchServicesAsync(new SearchServicesRequest(request) { PageSize = 100 }, call)).Matches.ToList();
        var paged = await SearchAllAsync(new SearchServicesRequest(request) { PageSize = 3 }, call);

        Assert.Equal(onePage.Select(m => m.Service.Id), paged.Select(m => m.Service.Id));
        Assert.Equal(onePage.Select(m => m.Rank), paged.Select(m => m.Rank));
    }

    [SkippableFact]
    public async Task Unavailable_services_appear_only_on_request_and_after_the_available_ones()
    {
        var (neighbourhood, ids, call) = await ArrangeAsync();

        var matches = await SearchAllAsync(new SearchServicesRequest { LifeDomains = { LifeDomain.Debt }, Neighbourhood = neighbourhood, IncludeUnavailable = true, PageSize = 100 }, call);

        var full = matches.Single(m => m.Service.Id == ids["full"]);
        var ended = matches.Single(m => m.Service.Id == ids["ended"]);
        Assert.False(full.Available);
        Assert.Equal(ServiceStatus.Ended, ended.Service.Status);
        Assert.True(matches.Where(m => m.Available).Max(m => m.Rank) < Math.Min(full.Rank, ended.Rank));
        Assert.DoesNotContain(matches, m => m.Service.Id == ids["elsewhere"] || m.Service.Id == ids["other-domain"]);

        var available = await SearchAllAsync(new SearchServicesRequest { LifeDomains = { LifeDomain.Debt }, Neighbourhood = neighbourhood, PageSize = 100 }, call);
        Assert.DoesNotContain(available, m => m.Service.Id == ids["full"] || m.Service.Id == ids["ended"]);
    }

    [SkippableFact]
    public async Task Filters_combine_age_and_required_language()
    {
        var (neighbourhood, ids, call) = await ArrangeAsync();

        var young = await SearchAllAsync(new SearchServicesRequest { LifeDomains = { LifeDomain.Debt }, Neighbourhood = neighbourhood, ServiceUserAge = 30, PageSize = 100 }, call);
        var old = await SearchAllAsync(new SearchServicesRequest { LifeDomains = { LifeDomain.Debt }, Neighbourhood = neighbourhood, ServiceUserAge = 70, PageSize = 100 }, call);
        var arabicOnly = await SearchAllAsync(new SearchServicesRequest { LifeDomains = { LifeDomain.Debt }, Neighbourhood = neighbourhood, Language = "ar", LanguageRequired = true, PageSize = 100 }, call);

        Assert.DoesNotContain(young, m => m.Service.Id == ids["seniors"]);
        Assert.Contains(old, m => m.Service.Id == ids["seniors"]);
        Assert.All(arabicOnly, m => Assert.Contains("ar", m.Service.Languages));
        Assert.DoesNotContain(arabicOnly, m => m.Service.Id == ids["local-org-nl"]);
    }

    [SkippableFact]
    public async Task A_change_made_through_another_host_shows_in_search_at_once()
    {
        var neighbourhood = UniqueNeighbourhood();
        var organization = await NewOrganizationAsync(OrganizationKind.DebtCounselling, neighbourhood);
        var (_, professional) = await NewMemberAsync(organization);
        var slow = await NewServiceAsync(organization, s => s.Capacity.TypicalWaitDays = 10);
        var request = new SearchServicesRequest { LifeDomains = { LifeDomain.Debt }, Neighbourhood = neighbourhood, PageSize = 100 };

        // The services of this test, in rank order (the directory holds others' services too).
        async Task<List<string>> OursFoundAsync(OrganizationsService.OrganizationsServiceClient directory, CallOptions call) =>
            [.. (await directory.SearchServicesAsync(request, call)).Matches.Where(m => m.Service.OrganizationId == organization.Organization.Id).Select(m => m.Service.Id)];
        Assert.Equal([slow.Id], await OursFoundAsync(Directory, professional));

        await using var replica = await Fixture.StartReplicaAsync();
        var elsewhere = new OrganizationsService.OrganizationsServiceClient(replica.Channel);
        Assert.Equal([slow.Id], await OursFoundAsync(elsewhere, professional));

        var spec = ServiceSpec(organization.Organization.Id);
        spec.Capacity.TypicalWaitDays = 3;
        var fast = (await elsewhere.CreateServiceAsync(new CreateServiceRequest { Service = spec }, organization.Admin)).Service;
        Assert.Equal([fast.Id, slow.Id], await OursFoundAsync(Directory, professional));

        await elsewhere.UpdateServiceAsync(new UpdateServiceRequest
        {
            Service = new Service { Id = slow.Id, Etag = slow.Etag, Capacity = new Capacity { OpenPlaces = 5, TypicalWaitDays = 1 } },
            UpdateMask = new() { Paths = { "capacity" } },
        }, organization.Admin);
        Assert.Equal([slow.Id, fast.Id], await OursFoundAsync(Directory, professional));

        var renamed = Unique("Schuldhulp Zuid");
        await elsewhere.UpdateOrganizationAsync(new UpdateOrganizationRequest
        {
            Organization = new Organization { Id = organization.Organization.Id, Etag = organization.Organization.Etag, Name = renamed },
            UpdateMask = new() { Paths = { "name" } },
        }, organization.Admin);
        Assert.All(
            (await Directory.SearchServicesAsync(request, professional)).Matches.Where(m => m.Service.OrganizationId == organization.Organization.Id),
            m => Assert.Equal(renamed, m.OrganizationName));

        await elsewhere.DeactivateServiceAsync(new DeactivateServiceRequest { Id = fast.Id, Etag = fast.Etag }, organization.Admin);
        Assert.Equal([slow.Id], await OursFoundAsync(Directory, professional));

        // And the other way round: the replica's own index learns of a change made here.
        await Directory.DeactivateOrganizationAsync(
            new DeactivateOrganizationRequest { Id = organization.Organization.Id, Etag = (await Directory.GetOrganizationAsync(new GetOrganizationRequest { Id = organization.Organization.Id }, professional)).Organization.Etag },
            await NetworkAdminAsync());
        Assert.Empty(await OursFoundAsync(elsewhere, await NetworkAdminAsync()));
    }

    public static TheoryData<string, string> InvalidSearches => new()
    {
        { "no-domain", "life_domains" },
        { "bad-domain", "life_domains[0]" },
        { "neighbourhood", "neighbourhood" },
        { "language", "language" },
        { "required-language", "language" },
        { "age", "service_user_age" },
        { "page-size", "page_size" },
        { "page-token", "page_token" },
    };

    [SkippableTheory]
    [MemberData(nameof(InvalidSearches))]
    public async Task Invalid_searches_are_refused_field_by_field(string defect, string field)
    {
        var request = new SearchServicesRequest { LifeDomains = { LifeDomain.Debt } };
        switch (defect)
        {
            case "no-domain": request.LifeDomains.Clear(); break;
            case "bad-domain": request.LifeDomains[0] = LifeDomain.Unspecified; break;
            case "neighbourhood": request.Neighbourhood = "Moer Wijk"; break;
            case "language": request.Language = "arabic"; break;
            case "required-language": request.LanguageRequired = true; break;
            case "age": request.ServiceUserAge = 250; break;
            case "page-size": request.PageSize = -5; break;
            case "page-token": request.PageToken = Convert.ToBase64String("{\"keys\":[\"x\"],\"filters\":\"other\"}"u8.ToArray()); break;
        }

        await InvalidField(field, async () => await Directory.SearchServicesAsync(request, await NetworkAdminAsync()));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SearchTestsOnSqlite(SqliteFixture fixture) : SearchTests(fixture)
{
    // Run on SQLite only: the index is built by the same query on every database (the tests above run on both), and ten
    // thousand inserts take long enough to run once.
    [SkippableFact]
    public async Task Search_stays_exact_over_ten_thousand_services()
    {
        var here = UniqueNeighbourhood();
        var elsewhere = UniqueNeighbourhood();
        var local = await NewOrganizationAsync(OrganizationKind.DebtCounselling, here);
        var citywide = await NewOrganizationAsync(OrganizationKind.Welfare);
        var (_, call) = await NewMemberAsync(citywide);
        var services = await AddServicesAsync(10_000, [local.Organization.Id, citywide.Organization.Id], [here, elsewhere]);
        var mine = services.ToDictionary(s => s.Id);
        try
        {
            var request = new SearchServicesRequest
            {
                LifeDomains = { LifeDomain.Debt, LifeDomain.Income },
                Neighbourhood = here,
                Language = "ar",
                ServiceUserAge = 30,
                IncludeUnavailable = true,
                PageSize = 100,
            };
            var matches = await SearchAllAsync(request.Clone(), call);

            // Exactly the services that pass the filters, each once, in rank order, with the right reasons to rank there.
            var now = DateTimeOffset.UtcNow;
            var expected = services.Where(s =>
                s.LifeDomains.Any(d => d.Domain is DomainLifeDomain.Debt or DomainLifeDomain.Income)
                && (s.MinAge ?? 0) <= 30 && (s.MaxAge ?? 200) >= 30
                && (s.EligibleNeighbourhoods.Length == 0 || s.EligibleNeighbourhoods.Contains(here))).Select(s => s.Id).ToHashSet();
            var found = matches.Where(m => mine.ContainsKey(m.Service.Id)).ToList();
            Assert.True(expected.SetEquals(found.Select(m => m.Service.Id)), $"{expected.Count} services expected, {found.Count} found");
            Assert.Equal(matches.Count, matches.Select(m => m.Service.Id).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, matches.Count), matches.Select(m => m.Rank));
            Assert.All(found, m =>
            {
                var service = mine[m.Service.Id];
                Assert.Equal(service.OpenPlaces > 0 && service.StatusAt(now) == Domain.ServiceStatus.Active, m.Available);
                Assert.Equal(service.EligibleNeighbourhoods.Contains(here) || service.OrganizationId == local.Organization.Id, m.NeighbourhoodMatch);
                Assert.Equal(service.Languages.Contains("ar"), m.LanguageMatch);
            });
            Assert.All(matches.Zip(matches.Skip(1)), pair => Assert.True(
                RankKey(pair.First).CompareTo(RankKey(pair.Second)) < 0, $"{pair.First.Service.Id} ranks before {pair.Second.Service.Id}"));

            // Small pages continue exactly where the previous one ended.
            var paged = new List<ServiceMatch>();
            var small = new SearchServicesRequest(request) { PageSize = 7 };
            for (var page = 0; page < 5; page++)
            {
                var response = await Directory.SearchServicesAsync(small, call);
                paged.AddRange(response.Matches);
                small.PageToken = response.NextPageToken;
            }

            Assert.Equal(matches.Take(35).Select(m => (m.Service.Id, m.Rank)), paged.Select(m => (m.Service.Id, m.Rank)));
        }
        finally
        {
            await InDatabase(async db =>
            {
                foreach (var organization in await db.Organizations.Where(o => o.Id == local.Organization.Id || o.Id == citywide.Organization.Id).ToListAsync())
                {
                    organization.Deactivate(DateTimeOffset.UtcNow);
                }

                return await db.SaveChangesAsync();
            });
        }

        // A deactivated organization's services leave the index at once.
        var after = await SearchAllAsync(new SearchServicesRequest { LifeDomains = { LifeDomain.Debt, LifeDomain.Income }, Neighbourhood = here, IncludeUnavailable = true, PageSize = 100 }, await NetworkAdminAsync());
        Assert.DoesNotContain(after, m => mine.ContainsKey(m.Service.Id));
    }

    private static (int Tier, int Wait, string Id) RankKey(ServiceMatch match) =>
        ((match.Available ? 0 : 4) + (match.NeighbourhoodMatch ? 0 : 2) + (match.LanguageMatch ? 0 : 1), match.Service.Capacity.TypicalWaitDays, match.Service.Id);

    /// <summary>
    /// Adds services straight through the service's own DbContext (through the API ten thousand take minutes), spread
    /// deterministically over organizations, life domains, eligibility, ages, languages, capacity and active periods.
    /// </summary>
    private Task<List<DomainService>> AddServicesAsync(int count, string[] organizationIds, string[] neighbourhoods) => InDatabase(async db =>
    {
        var organizations = await db.Organizations.Where(o => organizationIds.Contains(o.Id)).OrderBy(o => o.Id).ToListAsync();
        DomainLifeDomain[] domains = [DomainLifeDomain.Debt, DomainLifeDomain.Income, DomainLifeDomain.Housing, DomainLifeDomain.Parenting];
        string[][] languages = [["nl"], ["nl", "ar"], ["ar"], ["tr", "nl"]];
        string[][] eligibility = [[], [], [neighbourhoods[0]], [neighbourhoods[1]], [.. neighbourhoods]];
        var random = new Random(count);
        var now = DateTimeOffset.UtcNow;
        var services = new List<DomainService>(count);
        for (var i = 0; i < count; i++)
        {
            var first = domains[random.Next(domains.Length)];
            var second = random.Next(4) == 0 ? domains[random.Next(domains.Length)] : first;
            var (minAge, maxAge) = random.Next(7) switch { 0 => (18, (int?)null), 1 => ((int?)null, 23), _ => ((int?)null, (int?)null) };
            var (from, until) = random.Next(10) switch
            {
                0 => (now.AddYears(-1), (DateTimeOffset?)now.AddDays(-3)),
                1 => (now.AddDays(3), (DateTimeOffset?)null),
                _ => (now.AddDays(-3), (DateTimeOffset?)null),
            };
            var service = new DomainService(organizations[i % organizations.Count], new ServiceDetails(
                $"Bulk service {i}", "", first == second ? [first] : [first, second],
                new DomainEligibility(minAge, maxAge, eligibility[random.Next(eligibility.Length)]), languages[random.Next(languages.Length)],
                random.Next(4), random.Next(40), TimeSpan.FromDays(3), from, until), now);
            services.Add(service);
            db.Services.Add(service);
        }

        await db.SaveChangesAsync();
        return services;
    });

    [SkippableFact]
    public async Task The_demo_directory_finds_ranked_debt_help_in_Arabic_for_Moerwijk()
    {
        var page = await Directory.SearchServicesAsync(new SearchServicesRequest
        {
            LifeDomains = { LifeDomain.Debt },
            Neighbourhood = "moerwijk",
            Language = "ar",
        }, await NetworkAdminAsync());

        Assert.True(page.Matches.Count >= 4);
        Assert.True(page.Matches[0].NeighbourhoodMatch && page.Matches[0].LanguageMatch && page.Matches[0].Available);
        Assert.All(page.Matches, m => Assert.True(m.Service.Eligibility.Neighbourhoods.Count == 0 || m.Service.Eligibility.Neighbourhoods.Contains("moerwijk")));
        Assert.Contains(page.Matches, m => !m.NeighbourhoodMatch);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class SearchTestsOnPostgres(PostgresFixture fixture) : SearchTests(fixture);
