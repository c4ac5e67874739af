using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Referrals.Tests;

/// <summary>The checks at creation, each with its own status and reason, and what a retry with the same request id does.</summary>
public abstract class CreationTests(ReferralsFixture fixture) : ReferralsTest(fixture)
{
    [SkippableFact]
    public async Task Without_a_covering_referral_consent_the_referral_is_refused_and_the_refusal_is_logged()
    {
        var scenario = await ScenarioAsync();
        var receiver = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing]);
        var elsewhere = await ReceiverAsync(OrganizationKind.Welfare, [LifeDomain.Housing]);
        var wrongOrganization = await ConsentToReferAsync(scenario, elsewhere);
        var care = await GrantAsync(scenario.Team, scenario.User.Id, receiver.Practice, ConsentPurpose.Care, [LifeDomain.Housing]);
        var otherDomain = await GrantAsync(scenario.Team, scenario.User.Id, receiver.Practice, ConsentPurpose.Referral, [LifeDomain.Debt]);

        foreach (var consent in new[] { wrongOrganization, care, otherDomain })
        {
            await FailsWith(StatusCode.PermissionDenied, "CONSENT_MISSING", () => Referrals.CreateReferralAsync(RequestOf(scenario, receiver, consent), scenario.Team.Call).ResponseAsync);
        }

        Assert.Empty(await InReferrals(db => db.Referrals.Where(r => r.NeedId == scenario.Need.Id).ToListAsync()));

        // The consent check is in the service user's access log of the cases service, with the refusal in the referrals trail.
        var checks = await InCases(db => db.AuditTrail.AsNoTracking().Where(a => a.ServiceUserId == scenario.User.Id && a.Purpose == "referral-check").ToListAsync());
        Assert.Equal(3, checks.Count);
        Assert.All(checks, a => Assert.Equal(("workload:referrals", "OK"), (a.MemberId, a.Outcome)));
        var refusals = await InReferrals(db => db.AuditTrail.AsNoTracking().Where(a => a.ServiceUserId == scenario.User.Id && a.Outcome == "PermissionDenied").CountAsync());
        Assert.Equal(3, refusals);

        // Revoked, the consent no longer covers the next referral.
        var good = await ConsentToReferAsync(scenario, receiver);
        await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = good.Id, Etag = good.Etag, Reason = "Ingetrokken." }, scenario.Team.Call);
        await FailsWith(StatusCode.PermissionDenied, "CONSENT_MISSING", () => Referrals.CreateReferralAsync(RequestOf(scenario, receiver, good), scenario.Team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_service_that_cannot_take_the_referral_is_refused_with_the_rule_it_breaks()
    {
        var scenario = await ScenarioAsync();
        async Task RefusedAsync(string reason, Action<Service> change, bool acceptWait = false)
        {
            var receiver = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing], change);
            var consent = await ConsentToReferAsync(scenario, receiver);
            var request = RequestOf(scenario, receiver, consent);
            request.AcceptWait = acceptWait;
            await FailsWith(StatusCode.FailedPrecondition, reason, () => Referrals.CreateReferralAsync(request, scenario.Team.Call).ResponseAsync);
        }

        await RefusedAsync("SERVICE_NOT_ACTIVE", s => s.ActiveStartTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(10)));
        await RefusedAsync("WRONG_SERVICE", s => s.LifeDomains[0] = LifeDomain.Debt);
        await RefusedAsync("NOT_ELIGIBLE", s => s.Eligibility = new Eligibility { MaxAge = 23 });
        await RefusedAsync("OUTSIDE_AREA", s => s.Eligibility.Neighbourhoods.Add("schilderswijk"));
        await RefusedAsync("NO_CAPACITY", s => s.Capacity.OpenPlaces = 0);

        // A full service takes the referral when the sender accepts its waiting list.
        var full = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing], s => s.Capacity.OpenPlaces = 0);
        var request = RequestOf(scenario, full, await ConsentToReferAsync(scenario, full));
        request.AcceptWait = true;
        Assert.Equal(ReferralStatus.Requested, (await Referrals.CreateReferralAsync(request, scenario.Team.Call)).Referral.Status);

        // A service the directory ended takes no more referrals.
        var ending = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing]);
        var consent = await ConsentToReferAsync(scenario, ending);
        var ended = (await Directory.DeactivateServiceAsync(new DeactivateServiceRequest { Id = ending.Service.Id, Etag = ending.Service.Etag }, ending.Practice.Organization.Admin)).Service;
        await PublishAsync(new ServiceChanged { Service = ended, Version = long.Parse(ended.Etag) });
        await FailsWith(StatusCode.FailedPrecondition, "SERVICE_NOT_ACTIVE", () => Referrals.CreateReferralAsync(RequestOf(scenario, ending, consent), scenario.Team.Call).ResponseAsync);

        await FailsWith(StatusCode.NotFound, () => Referrals.CreateReferralAsync(new CreateReferralRequest
        {
            Referral = new Referral { NeedId = scenario.Need.Id, ConsentId = consent.Id, ToServiceId = Guid.NewGuid().ToString() },
        }, scenario.Team.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Referrals.CreateReferralAsync(new CreateReferralRequest
        {
            Referral = new Referral { NeedId = Guid.NewGuid().ToString(), ConsentId = consent.Id, ToServiceId = full.Service.Id },
        }, scenario.Team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_need_has_one_open_referral_per_service_and_none_once_met()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);
        var consent = (await Consents.GetConsentAsync(new GetConsentRequest { Id = sent.ConsentId }, scenario.Team.Call)).Consent;
        await FailsWith(StatusCode.AlreadyExists, "REFERRAL_ALREADY_OPEN", () => Referrals.CreateReferralAsync(RequestOf(scenario, receiver, consent), scenario.Team.Call).ResponseAsync);

        var need = (await Cases.GetNeedAsync(new GetNeedRequest { Id = scenario.Need.Id }, scenario.Team.Call)).Need;
        await Cases.ChangeNeedStatusAsync(new ChangeNeedStatusRequest { Id = need.Id, Etag = need.Etag, Status = NeedStatus.Met, Note = "Opgelost." }, scenario.Team.Call);
        var other = await ReceiverAsync(OrganizationKind.Welfare, [LifeDomain.Housing]);
        var toOther = await ConsentToReferAsync(scenario, other);
        await FailsWith(StatusCode.FailedPrecondition, "NEED_MET", () => Referrals.CreateReferralAsync(RequestOf(scenario, other, toOther), scenario.Team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_retried_create_or_step_returns_the_first_answer_and_another_request_under_its_id_is_refused()
    {
        var scenario = await ScenarioAsync();
        var receiver = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing]);
        var consent = await ConsentToReferAsync(scenario, receiver);
        var requestId = Guid.NewGuid().ToString();

        var first = await ReferAsync(scenario, receiver, consent, requestId);
        var retried = await ReferAsync(scenario, receiver, consent, requestId);
        Assert.Equal(first, retried);
        Assert.Single(await InReferrals(db => db.Referrals.Where(r => r.NeedId == scenario.Need.Id).ToListAsync()));
        var changed = RequestOf(scenario, receiver, consent, requestId);
        changed.Referral.Note = "Another note.";
        await InvalidField("request_id", () => Referrals.CreateReferralAsync(changed, scenario.Team.Call).ResponseAsync);

        var accept = new AcceptReferralRequest { Id = first.Id, Etag = first.Etag, RequestId = Guid.NewGuid().ToString() };
        var accepted = (await Referrals.AcceptReferralAsync(accept, receiver.Call)).Referral;
        Assert.Equal(accepted, (await Referrals.AcceptReferralAsync(accept, receiver.Call)).Referral);
        Assert.Single(await OutboxAsync<ReferralStatusChanged>(first.Id));

        // 20 concurrent retries of one step: one change, the same answer for all.
        var start = new StartReferralRequest { Id = first.Id, Etag = accepted.Etag, RequestId = Guid.NewGuid().ToString() };
        var outcomes = await RaceAsync(20, _ => Referrals.StartReferralAsync(start, receiver.Call).ResponseAsync);
        Assert.All(outcomes, o => Assert.Equal(ReferralStatus.InProgress, o.Result?.Referral.Status));
        Assert.Single(outcomes.Select(o => o.Result!.Referral.Etag).Distinct());
        Assert.Equal(2, (await OutboxAsync<ReferralStatusChanged>(first.Id)).Count);
    }

    [SkippableFact]
    public async Task Accept_racing_cancel_lets_exactly_one_win_and_twenty_same_etag_steps_one()
    {
        var scenario = await ScenarioAsync();
        for (var round = 0; round < 4; round++)
        {
            var (receiver, sent) = await ReferredAsync(scenario);
            var outcomes = await RaceAsync(2, async i => i == 0
                ? (await Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id, Etag = sent.Etag }, receiver.Call)).Referral
                : (await Referrals.CancelReferralAsync(new CancelReferralRequest { Id = sent.Id, Etag = sent.Etag, Note = "Toch niet." }, scenario.Team.Call)).Referral);
            Assert.Single(outcomes, o => o.Result is not null);
            Assert.Single(outcomes, o => o.Error?.StatusCode == StatusCode.Aborted);
            var stored = (await Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, scenario.Team.Call)).Referral;
            Assert.Equal(outcomes.Single(o => o.Result is not null).Result!.Status, stored.Status);
            Assert.Single(await OutboxAsync<ReferralStatusChanged>(sent.Id));
        }

        var (inbox, contested) = await ReferredAsync(scenario);
        await RaceRoundsAsync(
            20, 1,
            (etag, round, i) => Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = contested.Id, Etag = etag }, inbox.Call).ResponseAsync,
            async () => (await Referrals.GetReferralAsync(new GetReferralRequest { Id = contested.Id }, inbox.Call)).Referral.Etag);
        Assert.Equal(ReferralStatus.Received, (await Referrals.GetReferralAsync(new GetReferralRequest { Id = contested.Id }, inbox.Call)).Referral.Status);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CreationTestsOnSqlite(ReferralsSqliteFixture fixture) : CreationTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class CreationTestsOnPostgres(ReferralsPostgresFixture fixture) : CreationTests(fixture);
