namespace ReferralNet.Spanners.Tests;

/// <summary>The matching rules one by one: who is left out, in what order the rest rank, and what each result explains.</summary>
public abstract class MatchingTests(SpannersFixture fixture) : SpannersTest(fixture)
{
    [SkippableFact]
    public async Task Someone_who_speaks_no_Dutch_is_matched_only_to_spanners_who_share_a_language()
    {
        var supporter = await SupporterAsync();
        var dutch = await SpannerAsync(supporter, s => s.Languages.Remove("ar"));
        var tamazight = await SpannerAsync(supporter, s => s.Languages.Add("tzm"));
        var coordinated = await CoordinatedAsync(["tzm", "ar"]);

        var matches = await MatchAllAsync(coordinated);

        Assert.DoesNotContain(matches, m => m.Spanner.Id == dutch.Id);
        var match = Assert.Single(matches, m => m.Spanner.Id == tamazight.Id);
        Assert.True(match.LanguageMatch);
        Assert.Equal(["tzm", "ar"], match.SharedLanguages);
        Assert.All(matches, m => Assert.NotEmpty(m.SharedLanguages));

        // Someone who also speaks Dutch may get a Dutch-speaking spanner, unless the preferred language is required.
        var bilingual = await CoordinatedAsync(["ar", "nl"]);
        Assert.Contains(await MatchAllAsync(bilingual), m => m.Spanner.Id == dutch.Id);
        Assert.DoesNotContain(await MatchAllAsync(bilingual, languageRequired: true), m => m.Spanner.Id == dutch.Id);
    }

    [SkippableFact]
    public async Task Paused_full_overburdened_and_uncertified_spanners_are_left_out()
    {
        var supporter = await SupporterAsync();
        var available = await SpannerAsync(supporter);
        var paused = await SpannerAsync(supporter);
        await Spanners.PauseSpannerAsync(new PauseSpannerRequest { Id = paused.Id, Etag = paused.Etag }, supporter.Call);
        var full = await SpannerAsync(supporter, s => s.MaxServiceUsers = 1);
        await ProposeAsync(await CoordinatedAsync(), full);
        var overburdened = await SpannerAsync(supporter);
        await Spanners.RecordBurdenCheckInAsync(new RecordBurdenCheckInRequest { SpannerId = overburdened.Id, Score = 8 }, supporter.Call);
        var today = Clock.Now.UtcDateTime;
        var expired = await SpannerAsync(supporter, s => s.ConductCertificateDate = new CalendarDate { Year = today.Year - 4, Month = 1, Day = 1 });
        var uncertified = await SpannerAsync(supporter, s => s.ConductCertificateDate = null);
        var coordinated = await CoordinatedAsync();

        var ids = (await MatchAllAsync(coordinated)).Select(m => m.Spanner.Id).ToList();

        Assert.Contains(available.Id, ids);
        Assert.DoesNotContain(paused.Id, ids);
        Assert.DoesNotContain(full.Id, ids);
        Assert.DoesNotContain(overburdened.Id, ids);
        Assert.DoesNotContain(expired.Id, ids);
        Assert.DoesNotContain(uncertified.Id, ids);
        await FailsWith(StatusCode.FailedPrecondition, "SPANNER_PAUSED", () => ProposeAsync(coordinated, paused));
        await FailsWith(StatusCode.FailedPrecondition, "SPANNER_FULL", () => ProposeAsync(coordinated, full));
        await FailsWith(StatusCode.FailedPrecondition, "SPANNER_OVERBURDENED", () => ProposeAsync(coordinated, overburdened));
        await FailsWith(StatusCode.FailedPrecondition, "CERTIFICATE_OF_CONDUCT_INVALID", () => ProposeAsync(coordinated, expired));
        await FailsWith(StatusCode.FailedPrecondition, "CERTIFICATE_OF_CONDUCT_INVALID", () => ProposeAsync(coordinated, uncertified));
    }

    [SkippableFact]
    public async Task Spanners_rank_by_language_continuity_neighbourhood_domains_and_free_places_and_say_why()
    {
        var supporter = await SupporterAsync();
        var elsewhere = await SpannerAsync(supporter, s =>
        {
            s.Neighbourhoods.Clear();
            s.Neighbourhoods.Add("transvaal");
            s.Languages.Add("so");
        });
        var nearButOtherDomain = await SpannerAsync(supporter, s =>
        {
            s.LifeDomains.Clear();
            s.LifeDomains.Add(LifeDomain.Parenting);
            s.Languages.Add("so");
        });
        var near = await SpannerAsync(supporter, s => s.Languages.Add("so"));
        var nearWithRoom = await SpannerAsync(supporter, s =>
        {
            s.Languages.Add("so");
            s.MaxServiceUsers = 10;
        });
        var dutchOnly = await SpannerAsync(supporter, s =>
        {
            s.Languages.Clear();
            s.Languages.Add("nl");
        });
        var family = await SpannerAsync(supporter, s =>
        {
            s.Neighbourhoods.Clear();
            s.Neighbourhoods.Add("transvaal");
            s.Languages.Add("so");
        });
        var sibling = await CoordinatedAsync(["so", "nl"]);
        await AssignedAsync(sibling, family, supporter);
        var coordinated = await CoordinatedAsync(["so", "nl"], sibling.Team);
        await ServiceUsers.LinkHouseholdMemberAsync(new LinkHouseholdMemberRequest
        {
            ServiceUserId = coordinated.User.Id, RelatedServiceUserId = sibling.User.Id, Relation = HouseholdRelation.Sibling,
        }, coordinated.Team.Call);

        var ours = new[] { elsewhere, nearButOtherDomain, near, nearWithRoom, dutchOnly, family }.Select(s => s.Id).ToHashSet();
        var matches = (await MatchAllAsync(coordinated)).Where(m => ours.Contains(m.Spanner.Id)).ToList();

        Assert.Equal([family.Id, nearWithRoom.Id, near.Id, nearButOtherDomain.Id, elsewhere.Id, dutchOnly.Id], matches.Select(m => m.Spanner.Id));
        var best = matches[0];
        Assert.True(best.KnownToHousehold);
        Assert.False(best.NeighbourhoodMatch);
        Assert.Equal($"speaks so, nl; knows the household; debt; 2 places free", best.RankingReason);
        Assert.Equal($"speaks so, nl; active in {Neighbourhood}; debt; 10 places free", matches[1].RankingReason);
        Assert.Equal([LifeDomain.Debt], matches[1].MatchedLifeDomains);
        Assert.Empty(matches[3].MatchedLifeDomains);
        Assert.False(matches[5].LanguageMatch);
        Assert.All(matches, m => Assert.Equal(0, m.Spanner.LatestBurdenScore));
        Assert.All(matches.Skip(1), m => Assert.Equal("", m.Spanner.Phone));
        Assert.True(matches.Select(m => m.Rank).SequenceEqual(matches.Select(m => m.Rank).Order()));
    }

    [SkippableFact]
    public async Task Matching_needs_a_coordination_consent_and_a_revocation_holds_from_the_next_call()
    {
        var supporter = await SupporterAsync();
        await SpannerAsync(supporter);
        var coordinated = await CoordinatedAsync();
        var stranger = await NewPracticeAsync();

        await FailsWith(StatusCode.NotFound, () => Spanners.MatchSpannersAsync(new MatchSpannersRequest { ServiceUserId = coordinated.User.Id }, stranger.Call).ResponseAsync);
        await GrantAsync(coordinated.Team, coordinated.User.Id, stranger, ConsentPurpose.Care, [LifeDomain.Debt]);
        await FailsWith(StatusCode.NotFound, () => Spanners.MatchSpannersAsync(new MatchSpannersRequest { ServiceUserId = coordinated.User.Id }, stranger.Call).ResponseAsync);
        var coordination = await GrantAsync(coordinated.Team, coordinated.User.Id, stranger, ConsentPurpose.Coordination, [LifeDomain.Debt]);
        Assert.NotEmpty((await Spanners.MatchSpannersAsync(new MatchSpannersRequest { ServiceUserId = coordinated.User.Id }, stranger.Call)).Matches);

        await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = coordination.Id, Etag = coordination.Etag, Reason = "Wil dit niet meer." }, coordinated.Team.Call);
        await FailsWith(StatusCode.NotFound, () => Spanners.MatchSpannersAsync(new MatchSpannersRequest { ServiceUserId = coordinated.User.Id }, stranger.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_page_token_of_another_query_or_forged_is_refused()
    {
        var supporter = await SupporterAsync();
        for (var i = 0; i < 3; i++)
        {
            await SpannerAsync(supporter, s => s.Languages.Add("pap"));
        }

        var coordinated = await CoordinatedAsync(["pap"]);
        var first = await Spanners.MatchSpannersAsync(new MatchSpannersRequest { ServiceUserId = coordinated.User.Id, PageSize = 1 }, coordinated.Team.Call);
        Assert.NotEmpty(first.NextPageToken);
        var second = await Spanners.MatchSpannersAsync(new MatchSpannersRequest { ServiceUserId = coordinated.User.Id, PageSize = 1, PageToken = first.NextPageToken }, coordinated.Team.Call);
        Assert.Equal(2, second.Matches[0].Rank);

        await InvalidField("page_token", () => Spanners.MatchSpannersAsync(
            new MatchSpannersRequest { ServiceUserId = coordinated.User.Id, PageSize = 1, PageToken = first.NextPageToken, LanguageRequired = true }, coordinated.Team.Call).ResponseAsync);
        await InvalidField("page_token", () => Spanners.MatchSpannersAsync(
            new MatchSpannersRequest { ServiceUserId = coordinated.User.Id, PageToken = first.NextPageToken[..^3] + "xyz" }, coordinated.Team.Call).ResponseAsync);
        await InvalidField("page_token", () => Spanners.ListSpannersAsync(new ListSpannersRequest { PageToken = first.NextPageToken }, coordinated.Team.Call).ResponseAsync);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class MatchingTestsOnSqlite(SpannersSqliteFixture fixture) : MatchingTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class MatchingTestsOnPostgres(SpannersPostgresFixture fixture) : MatchingTests(fixture);
