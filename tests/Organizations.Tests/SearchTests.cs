using Google.Protobuf.WellKnownTypes;

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
                s.ActiveFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(-2));
                s.ActiveUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1));
            })).Id,
            ["seniors"] = (await NewServiceAsync(local, s => s.Eligibility.MinAge = 65)).Id,
            ["other-domain"] = (await NewServiceAsync(local, s => { s.LifeDomains.Clear(); s.LifeDomains.Add(LifeDomain.Parenting); })).Id,
        };
        var (_, professional) = await NewMemberAsync(citywide);
        return (neighbourhood, ids, professional);
    }

    private async Task<List<ServiceMatch>> SearchAllAsync(SearchServicesRequest request, CallOptions call)
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
