using Google.Protobuf.WellKnownTypes;

namespace ReferralNet.Referrals.Tests;

/// <summary>The field study's case, end to end through every service of the host, with the clock moved as an operator would.</summary>
public abstract class FieldStudyTests(ReferralsFixture fixture) : ReferralsTest(fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task A_resident_without_gas_water_and_electricity_is_sent_on_until_the_need_surfaces_at_risk_for_coordinator_and_gp()
    {
        // The neighbourhood team coordinates a Moerwijk resident's case; the GP sees housing and physical health for care.
        var scenario = await ScenarioAsync(LifeDomain.Housing);
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        await GrantAsync(scenario.Team, scenario.User.Id, gp, ConsentPurpose.Care, [LifeDomain.Housing, LifeDomain.PhysicalHealth]);
        var teamService = await TeamServiceAsync(scenario.Team);
        var debt = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing, LifeDomain.Debt]);
        var secondDebt = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing, LifeDomain.Debt], s => s.AcknowledgementDeadline = Duration.FromTimeSpan(TimeSpan.FromDays(5)));
        await GrantAsync(scenario.Team, scenario.User.Id, scenario.Team, ConsentPurpose.Referral, [LifeDomain.Housing]);
        foreach (var receiver in new[] { debt, secondDebt })
        {
            await ConsentToReferAsync(scenario, receiver);
        }

        using var coordinatorStream = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest(), scenario.Team.Call);
        Assert.Equal(InboxMessageKind.CaughtUp, (await NextAsync(coordinatorStream, m => m.Kind == InboxMessageKind.CaughtUp)).Kind);

        // The GP refers the need to the neighbourhood team, which redirects it to debt counselling.
        var toTeam = (await Referrals.CreateReferralAsync(new CreateReferralRequest
        {
            Referral = new Referral { NeedId = scenario.Need.Id, ConsentId = (await TeamConsentAsync(scenario)).Id, ToServiceId = teamService.Service.Id, Note = "Geen gas, water en licht sinds drie weken." },
            RequestId = Guid.NewGuid().ToString(),
        }, gp.Call)).Referral;
        var toDebt = (await Referrals.DeclineReferralAsync(new DeclineReferralRequest
        {
            Id = toTeam.Id, Etag = toTeam.Etag, Reason = ReferralDeclineReason.WrongService, Note = "Energieschuld: schuldhulp.", RedirectServiceId = debt.Service.Id,
        }, teamService.Practice.Call)).RedirectReferral;

        // Debt counselling has a waiting list and declines, sending it on to a second debt service.
        var toSecond = (await Referrals.DeclineReferralAsync(new DeclineReferralRequest
        {
            Id = toDebt.Id, Etag = toDebt.Etag, Reason = ReferralDeclineReason.NoCapacity, Note = "Wachtlijst van vier maanden.", RedirectServiceId = secondDebt.Service.Id,
        }, debt.Call)).RedirectReferral;

        // The second lets its deadline pass: an operator moves the server's clock, the deadline job runs.
        var admin = await NetworkAdminAsync();
        var clock = new OperatorClockService.OperatorClockServiceClient(Channel);
        await FailsWith(StatusCode.PermissionDenied, () => clock.AdvanceClockAsync(new AdvanceClockRequest { By = Duration.FromTimeSpan(TimeSpan.FromDays(1)) }, scenario.Team.Call).ResponseAsync);
        var moved = await clock.AdvanceClockAsync(new AdvanceClockRequest { By = Duration.FromTimeSpan(TimeSpan.FromDays(6)) }, admin);
        Assert.True(moved.Offset.ToTimeSpan() >= TimeSpan.FromDays(6));
        await ScanDeadlinesAsync();

        // The coordinator's stream shows the need at risk; ListAtRiskNeeds lists it.
        var notice = await NextAsync(coordinatorStream, m => m.Kind == InboxMessageKind.AtRisk && m.AtRiskNeed.Referrals.Any(r => r.Status == ReferralStatus.Expired));
        Assert.Equal(scenario.Need.Id, notice.AtRiskNeed.NeedId);
        Assert.Contains(PillarToPostReason.RepeatedRejection, notice.AtRiskNeed.Reasons);
        Assert.Contains(PillarToPostReason.TooManyOrganizations, notice.AtRiskNeed.Reasons);
        // Tokens issued before the operator moved the clock still hold: the move is the domain's time, not the tokens'.
        var team = scenario.Team.Call;
        Assert.Equal(scenario.Need.Id, Assert.Single((await Referrals.ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest(), team)).Needs, n => n.NeedId == scenario.Need.Id).NeedId);

        // The GP's network view shows the chain with every organization and outcome, and the flag.
        var expected = new[]
        {
            (toTeam.Id, teamService.Practice.Id, ReferralStatus.Declined),
            (toDebt.Id, debt.Practice.Id, ReferralStatus.Declined),
            (toSecond.Id, secondDebt.Practice.Id, ReferralStatus.Expired),
        };
        var need = await EventuallyAsync(Bound, async () =>
        {
            var view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = scenario.User.Id }, gp.Call)).View;
            var open = view.OpenNeeds.Single(n => n.Need.Id == scenario.Need.Id);
            return open.Need.AtRisk && open.Referrals.Select(r => (r.ReferralId, r.ToOrganizationId, r.Status)).Order().SequenceEqual(expected.Order()) ? open : null;
        });
        Assert.All(need.Referrals, r => Assert.NotEmpty(r.ToOrganizationName));
        Assert.Equal(ReferralDeclineReason.NoCapacity, need.Referrals.Single(r => r.ReferralId == toDebt.Id).DeclineReason);
    }

    // The neighbourhood team's own intake service, which the GP refers to.
    private Task<Receiver> TeamServiceAsync(Practice team) =>
        ServiceOfAsync(team, [LifeDomain.Housing, LifeDomain.Debt, LifeDomain.Social]);

    private async Task<Receiver> ServiceOfAsync(Practice practice, LifeDomain[] domains)
    {
        var service = (await Directory.CreateServiceAsync(new CreateServiceRequest
        {
            Service = new Service
            {
                OrganizationId = practice.Id, Name = Unique("Sociaal wijkteam inloop"), Description = "Intake.", LifeDomains = { domains },
                Languages = { "nl" }, Capacity = new Capacity { OpenPlaces = 3 }, AcknowledgementDeadline = Duration.FromTimeSpan(TimeSpan.FromDays(3)),
            },
        }, practice.Organization.Admin)).Service;
        await PublishAsync(new ServiceChanged { Service = service, Version = long.Parse(service.Etag) });
        return new Receiver(practice, service);
    }

    private async Task<Consent> TeamConsentAsync(Scenario scenario) =>
        (await Consents.ListConsentsAsync(new ListConsentsRequest { ServiceUserId = scenario.User.Id }, scenario.Team.Call)).Consents
            .First(c => c.Purpose == ConsentPurpose.Referral && c.OrganizationId == scenario.Team.Id);

    private static async Task<WatchIncomingReferralsResponse> NextAsync(AsyncServerStreamingCall<WatchIncomingReferralsResponse> stream, Func<WatchIncomingReferralsResponse, bool> wanted)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (await stream.ResponseStream.MoveNext(bound.Token))
        {
            if (wanted(stream.ResponseStream.Current))
            {
                return stream.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class FieldStudyTestsOnSqlite(ReferralsSqliteFixture fixture) : FieldStudyTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class FieldStudyTestsOnPostgres(ReferralsPostgresFixture fixture) : FieldStudyTests(fixture);
