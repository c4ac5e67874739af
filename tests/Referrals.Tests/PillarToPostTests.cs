namespace ReferralNet.Referrals.Tests;

/// <summary>Chains, redirects, deadlines and pillar-to-post detection, with the clock moved by the tests.</summary>
public abstract class PillarToPostTests(ReferralsFixture fixture) : ReferralsTest(fixture)
{
    [SkippableFact]
    public async Task A_redirect_chain_over_three_organizations_is_detected_and_an_acceptance_clears_it()
    {
        var scenario = await ScenarioAsync();
        var first = await ReceiverAsync(OrganizationKind.Welfare, [LifeDomain.Housing]);
        var second = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing]);
        var third = await ReceiverAsync(OrganizationKind.HousingCorporation, [LifeDomain.Housing]);
        foreach (var receiver in new[] { second, third })
        {
            await ConsentToReferAsync(scenario, receiver);
        }

        var sent = await ReferAsync(scenario, first, await ConsentToReferAsync(scenario, first));
        var redirected = await Referrals.DeclineReferralAsync(new DeclineReferralRequest
        {
            Id = sent.Id, Etag = sent.Etag, Reason = ReferralDeclineReason.WrongService, Note = "Dit is schuldhulp.", RedirectServiceId = second.Service.Id,
        }, first.Call);
        var next = redirected.RedirectReferral;
        Assert.Equal((ReferralStatus.Declined, next.Id), (redirected.Referral.Status, redirected.Referral.RedirectReferralId));
        Assert.Equal(
            (sent.ChainId, sent.Id, first.Practice.Id, scenario.Team.Id, scenario.Team.Professional.Id, second.Practice.Id, sent.Note),
            (next.ChainId, next.PreviousReferralId, next.RedirectedByOrganizationId, next.FromOrganizationId, next.FromMemberId, next.ToOrganizationId, next.Note));
        Assert.Equal(first.Practice.Professional.Id, Assert.Single(next.History).ActorMemberId);
        Assert.Empty(await OutboxAsync<PillarToPostDetected>(scenario.Need.Id));

        var last = (await Referrals.DeclineReferralAsync(new DeclineReferralRequest
        {
            Id = next.Id, Etag = next.Etag, Reason = ReferralDeclineReason.NoCapacity, Note = "Wachtlijst van vier maanden.", RedirectServiceId = third.Service.Id, RedirectNote = "Kunnen jullie helpen?",
        }, second.Call)).RedirectReferral;
        Assert.Equal("Kunnen jullie helpen?", last.Note);

        var detected = Assert.Single(await OutboxAsync<PillarToPostDetected>(scenario.Need.Id));
        Assert.Equal([PillarToPostReason.RepeatedRejection, PillarToPostReason.TooManyOrganizations], detected.Reasons);
        Assert.Equal((scenario.Team.Professional.Id, scenario.Team.Id, sent.ChainId), (detected.CoordinatorMemberId, detected.CoordinatorOrganizationId, detected.ChainId));
        Assert.Equal([sent.Id, next.Id, last.Id], detected.ReferralIds.Order(StringComparer.Ordinal));
        var atRisk = Assert.Single((await Referrals.ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest(), scenario.Team.Call)).Needs);
        Assert.Equal((scenario.Need.Id, sent.ChainId, 3), (atRisk.NeedId, atRisk.ChainId, atRisk.Referrals.Count));
        Assert.Empty((await Referrals.ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest(), third.Call)).Needs);

        // The coordinator follows the whole chain, including referrals it did not send to organizations it did not pick.
        Assert.Equal(ReferralStatus.Requested, (await Referrals.GetReferralAsync(new GetReferralRequest { Id = last.Id }, scenario.Team.Call)).Referral.Status);

        await Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = last.Id, Etag = last.Etag }, third.Call);
        var cleared = Assert.Single(await OutboxAsync<PillarToPostCleared>(scenario.Need.Id));
        Assert.Equal(sent.ChainId, cleared.ChainId);
        Assert.Empty((await Referrals.ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest(), scenario.Team.Call)).Needs);
    }

    [SkippableFact]
    public async Task A_redirect_to_an_organization_without_consent_is_refused_and_nothing_is_declined()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);
        var unconsented = await ReceiverAsync(OrganizationKind.Welfare, [LifeDomain.Housing]);

        var refusal = await FailsWith(StatusCode.PermissionDenied, "REDIRECT_NOT_CONSENTED", () => Referrals.DeclineReferralAsync(new DeclineReferralRequest
        {
            Id = sent.Id, Etag = sent.Etag, Reason = ReferralDeclineReason.WrongService, RedirectServiceId = unconsented.Service.Id,
        }, receiver.Call).ResponseAsync);
        Assert.Contains("REFERRAL consent", refusal.Status.Detail);
        Assert.Equal(ReferralStatus.Requested, (await Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, receiver.Call)).Referral.Status);

        // Nor back to a service the chain already asked.
        await FailsWith(StatusCode.FailedPrecondition, "ALREADY_ASKED", () => Referrals.DeclineReferralAsync(new DeclineReferralRequest
        {
            Id = sent.Id, Etag = sent.Etag, Reason = ReferralDeclineReason.WrongService, RedirectServiceId = receiver.Service.Id,
        }, receiver.Call).ResponseAsync);
        Assert.Single((await Referrals.ListOutgoingReferralsAsync(new ListOutgoingReferralsRequest { NeedId = scenario.Need.Id }, scenario.Team.Call)).Referrals);
    }

    [SkippableFact]
    public async Task A_referral_nobody_received_in_time_expires_once_however_many_scans_run()
    {
        var scenario = await ScenarioAsync();
        var (_, sent) = await ReferredAsync(scenario);
        var (receiver, seen) = await ReferredAsync(scenario, OrganizationKind.Welfare);
        await Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = seen.Id, Etag = seen.Etag }, receiver.Call);

        Clock.Advance(TimeSpan.FromHours(73));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ScanDeadlinesAsync()));
        await ScanDeadlinesAsync();

        var team = Now(scenario.Team.Professional);
        var expired = (await Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, team)).Referral;
        Assert.Equal(ReferralStatus.Expired, expired.Status);
        var step = expired.History[^1];
        Assert.Equal(("", ""), (step.ActorMemberId, step.ActorOrganizationId));
        Assert.Single(await OutboxAsync<ReferralStatusChanged>(sent.Id), e => e.Status == ReferralStatus.Expired);
        Assert.Equal(ReferralStatus.Received, (await Referrals.GetReferralAsync(new GetReferralRequest { Id = seen.Id }, team)).Referral.Status);
    }

    [SkippableFact]
    public async Task Fourteen_days_without_acceptance_put_a_need_at_risk_and_a_correction_takes_a_rejection_back()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);
        await Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = sent.Id, Etag = sent.Etag }, receiver.Call);
        Clock.Advance(TimeSpan.FromDays(13));
        await ScanDeadlinesAsync();
        Assert.Empty(await OutboxAsync<PillarToPostDetected>(scenario.Need.Id));

        Clock.Advance(TimeSpan.FromDays(1));
        await Task.WhenAll(ScanDeadlinesAsync(), ScanDeadlinesAsync());
        var detected = Assert.Single(await OutboxAsync<PillarToPostDetected>(scenario.Need.Id));
        Assert.Equal([PillarToPostReason.NoAcceptance], detected.Reasons);

        // A second scenario: two declines, one of them a mistake.
        var other = await ScenarioAsync(LifeDomain.Debt);
        var declines = new List<Referral>();
        foreach (var kind in new[] { OrganizationKind.DebtCounselling, OrganizationKind.Welfare })
        {
            var (to, referral) = await ReferredAsync(other, kind);
            declines.Add((await Referrals.DeclineReferralAsync(new DeclineReferralRequest { Id = referral.Id, Etag = referral.Etag, Reason = ReferralDeclineReason.NoCapacity }, to.Call)).Referral);
        }

        Assert.Equal([PillarToPostReason.RepeatedRejection], Assert.Single(await OutboxAsync<PillarToPostDetected>(other.Need.Id)).Reasons);
        await Referrals.MarkReferralEnteredInErrorAsync(new MarkReferralEnteredInErrorRequest { Id = declines[0].Id, Etag = declines[0].Etag, Note = "Verkeerde dienst gekozen." }, other.Team.Call);
        Assert.Single(await OutboxAsync<PillarToPostCleared>(other.Need.Id));
    }

    [SkippableFact]
    public async Task A_revoked_consent_closes_the_open_referrals_made_under_it()
    {
        var scenario = await ScenarioAsync();
        var receiver = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing]);
        var consent = await ConsentToReferAsync(scenario, receiver);
        var waiting = await ReferAsync(scenario, receiver, consent);
        var otherNeed = (await Cases.RecordNeedAsync(new RecordNeedRequest { Need = new Need { ServiceUserId = scenario.User.Id, LifeDomain = LifeDomain.Housing, Severity = NeedSeverity.Moderate } }, scenario.Team.Call)).Need;
        var working = (await Referrals.CreateReferralAsync(new CreateReferralRequest { Referral = new Referral { NeedId = otherNeed.Id, ConsentId = consent.Id, ToServiceId = receiver.Service.Id } }, scenario.Team.Call)).Referral;
        var accepted = (await Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = working.Id, Etag = working.Etag }, receiver.Call)).Referral;
        await Referrals.StartReferralAsync(new StartReferralRequest { Id = working.Id, Etag = accepted.Etag }, receiver.Call);

        var revoked = (await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = consent.Id, Etag = consent.Etag, Reason = "Wil het niet meer." }, scenario.Team.Call)).Consent;
        await PublishAsync(new ConsentRevoked { ConsentId = consent.Id, ServiceUserId = scenario.User.Id, RevokeTime = revoked.RevokeTime, Version = long.Parse(revoked.Etag) });

        var cancelled = (await Referrals.GetReferralAsync(new GetReferralRequest { Id = waiting.Id }, scenario.Team.Call)).Referral;
        var failed = (await Referrals.GetReferralAsync(new GetReferralRequest { Id = working.Id }, receiver.Call)).Referral;
        Assert.Equal((ReferralStatus.Cancelled, ReferralStatus.Failed, ReferralFailureReason.ConsentRevoked), (cancelled.Status, failed.Status, failed.FailureReason));
        Assert.Single(await OutboxAsync<ReferralStatusChanged>(waiting.Id));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PillarToPostTestsOnSqlite(ReferralsSqliteFixture fixture) : PillarToPostTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PillarToPostTestsOnPostgres(ReferralsPostgresFixture fixture) : PillarToPostTests(fixture);
