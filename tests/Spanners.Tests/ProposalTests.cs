namespace ReferralNet.Spanners.Tests;

/// <summary>A need found at risk of pillar-to-post gets boundary spanners proposed to its coordinator.</summary>
public abstract class ProposalTests(SpannersFixture fixture) : SpannersTest(fixture)
{
    [SkippableFact]
    public async Task A_need_at_risk_gets_the_best_matching_spanners_proposed_and_the_network_view_shows_them()
    {
        var supporter = await SupporterAsync();
        var tigrinya = await SpannerAsync(supporter, s => s.Languages.Add("ti"));
        var overburdened = await SpannerAsync(supporter, s => s.Languages.Add("ti"));
        await Spanners.RecordBurdenCheckInAsync(new RecordBurdenCheckInRequest { SpannerId = overburdened.Id, Score = 10 }, supporter.Call);
        var coordinated = await CoordinatedAsync(["ti"]);

        await PublishAsync(new PillarToPostDetected
        {
            NeedId = coordinated.Need.Id,
            ServiceUserId = coordinated.User.Id,
            LifeDomain = LifeDomain.Debt,
            ChainId = "chain-1",
            Reasons = { PillarToPostReason.RepeatedRejection },
            CoordinatorMemberId = coordinated.Team.Professional.Id,
            CoordinatorOrganizationId = coordinated.Team.Id,
            Version = 1,
        });

        var proposed = Assert.Single(await OutboxAsync<SpannersProposed>(coordinated.Need.Id));
        Assert.Equal(coordinated.Team.Id, proposed.CoordinatorOrganizationId);
        Assert.Equal(1, proposed.Version);
        var proposal = Assert.Single(proposed.Spanners);
        Assert.Equal(tigrinya.Id, proposal.SpannerId);
        Assert.Equal(tigrinya.DisplayName, proposal.DisplayName);
        Assert.Equal(["ti"], proposal.SharedLanguages);
        Assert.Equal($"speaks ti; active in {Neighbourhood}; debt; 3 places free", proposal.RankingReason);

        var entry = await EventuallyAsync(Bound, async () =>
            (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).View.RecentEvents
                .FirstOrDefault(e => e.Summary.StartsWith("Boundary spanners proposed", StringComparison.Ordinal)));
        Assert.Contains(tigrinya.DisplayName, entry.Summary);
        Assert.Equal(coordinated.Need.Id, entry.NeedId);
    }

    [SkippableFact]
    public async Task A_coordinator_without_consent_gets_no_proposal_and_one_without_a_fitting_spanner_hears_so()
    {
        var coordinated = await CoordinatedAsync(["kab"]);
        var stranger = await NewPracticeAsync();
        var detected = new PillarToPostDetected
        {
            NeedId = coordinated.Need.Id, ServiceUserId = coordinated.User.Id, LifeDomain = LifeDomain.Debt, ChainId = "chain-2",
            CoordinatorMemberId = stranger.Professional.Id, CoordinatorOrganizationId = stranger.Id, Version = 1,
        };

        await PublishAsync(detected);
        Assert.Empty(await OutboxAsync<SpannersProposed>(coordinated.Need.Id));

        detected.CoordinatorMemberId = coordinated.Team.Professional.Id;
        detected.CoordinatorOrganizationId = coordinated.Team.Id;
        detected.Version = 2;
        await PublishAsync(detected);
        Assert.Empty(Assert.Single(await OutboxAsync<SpannersProposed>(coordinated.Need.Id)).Spanners);
        await EventuallyAsync(Bound, async () =>
            (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).View.RecentEvents
                .FirstOrDefault(e => e.Summary.StartsWith("No boundary spanner fits", StringComparison.Ordinal)));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProposalTestsOnSqlite(SpannersSqliteFixture fixture) : ProposalTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ProposalTestsOnPostgres(SpannersPostgresFixture fixture) : ProposalTests(fixture);
