using Google.Rpc;
using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Referrals.Tests;

/// <summary>The live inbox stream: snapshot, caught-up marker, live changes, heartbeats, resuming without gaps or duplicates, and its refusals.</summary>
public abstract class InboxStreamTests(ReferralsFixture fixture) : ReferralsTest(fixture)
{
    // A bound on every read, so a missing message fails the test instead of hanging it; never a measure of speed.
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task A_stream_sends_the_undecided_referrals_then_caught_up_then_each_change_and_heartbeats()
    {
        var scenario = await ScenarioAsync();
        var (receiver, waiting) = await ReferredAsync(scenario);
        using var stream = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest(), receiver.Call);

        var snapshot = await NextAsync(stream);
        Assert.Equal((InboxMessageKind.Referral, waiting.Id), (snapshot.Kind, snapshot.Referral.Id));
        Assert.Equal(InboxMessageKind.CaughtUp, (await NextAsync(stream)).Kind);

        var received = (await Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = waiting.Id, Etag = waiting.Etag }, receiver.Call)).Referral;
        var change = await NextAsync(stream);
        Assert.Equal((InboxMessageKind.Referral, ReferralStatus.Received), (change.Kind, change.Referral.Status));
        Assert.Equal(received, change.Referral);

        var other = await ScenarioAsync();
        var fresh = await ReferAsync(other, receiver, await ConsentToReferAsync(other, receiver));
        Assert.Equal(fresh.Id, (await NextAsync(stream)).Referral.Id);

        Clock.Advance(TimeSpan.FromSeconds(16));
        var beat = await NextAsync(stream);
        Assert.Equal(InboxMessageKind.Heartbeat, beat.Kind);
        Assert.NotEmpty(beat.ResumeToken);

        // Personal data is on record per message, naming the person it was about; the markers are not.
        var records = await InReferrals(db => db.AuditTrail.AsNoTracking().Where(a => a.Action.EndsWith("/WatchIncomingReferrals") && a.MemberId == receiver.Practice.Professional.Id).ToListAsync());
        Assert.Equal(
            [("STREAM_OPENED", null), ("DELIVERED", waiting.ServiceUserId), ("DELIVERED", waiting.ServiceUserId), ("DELIVERED", fresh.ServiceUserId)],
            records.OrderBy(a => a.Sequence).Select(a => (a.Outcome, a.ServiceUserId)));
    }

    [SkippableFact]
    public async Task A_resumed_stream_gets_every_change_it_missed_once_and_nothing_it_had()
    {
        var scenario = await ScenarioAsync();
        var (receiver, first) = await ReferredAsync(scenario);
        string token;
        using (var stream = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest(), receiver.Call))
        {
            Assert.Equal(first.Id, (await NextAsync(stream)).Referral.Id);
            token = (await NextAsync(stream)).ResumeToken;
        }

        // While disconnected: the referral it had changes twice, and a new one arrives.
        var received = (await Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = first.Id, Etag = first.Etag }, receiver.Call)).Referral;
        var accepted = (await Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = first.Id, Etag = received.Etag }, receiver.Call)).Referral;
        var other = await ScenarioAsync();
        var second = await ReferAsync(other, receiver, await ConsentToReferAsync(other, receiver));

        using var resumed = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest { ResumeToken = token }, receiver.Call);
        var missed = new List<WatchIncomingReferralsResponse>();
        for (var message = await NextAsync(resumed); message.Kind != InboxMessageKind.CaughtUp; message = await NextAsync(resumed))
        {
            missed.Add(message);
        }

        Assert.Equal([(first.Id, ReferralStatus.Accepted), (second.Id, ReferralStatus.Requested)], missed.Select(m => (m.Referral.Id, m.Referral.Status)));
        Assert.Equal(accepted, missed[0].Referral);

        // From the last token of a resumed stream, nothing is sent twice.
        using var again = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest { ResumeToken = missed[^1].ResumeToken }, receiver.Call);
        Assert.Equal(InboxMessageKind.CaughtUp, (await NextAsync(again)).Kind);
    }

    [SkippableFact]
    public async Task The_coordinators_stream_shows_a_need_at_risk_and_a_forged_or_foreign_token_is_refused()
    {
        var scenario = await ScenarioAsync();
        using var coordinator = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest(), scenario.Team.Call);
        Assert.Equal(InboxMessageKind.CaughtUp, (await NextAsync(coordinator)).Kind);

        foreach (var kind in new[] { OrganizationKind.DebtCounselling, OrganizationKind.Welfare })
        {
            var (to, referral) = await ReferredAsync(scenario, kind);
            await Referrals.DeclineReferralAsync(new DeclineReferralRequest { Id = referral.Id, Etag = referral.Etag, Reason = ReferralDeclineReason.NoCapacity }, to.Call);
        }

        var notice = await NextAsync(coordinator);
        Assert.Equal((InboxMessageKind.AtRisk, scenario.Need.Id), (notice.Kind, notice.AtRiskNeed.NeedId));
        Assert.Equal([PillarToPostReason.RepeatedRejection], notice.AtRiskNeed.Reasons);
        Assert.Equal(2, notice.AtRiskNeed.Referrals.Count);

        // A token is bound to its organization: another organization cannot resume from it.
        var stranger = await NewPracticeAsync();
        using var foreign = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest { ResumeToken = notice.ResumeToken }, stranger.Call);
        var refusal = await Assert.ThrowsAsync<RpcException>(() => NextAsync(foreign));
        Assert.Equal(StatusCode.InvalidArgument, refusal.StatusCode);
        Assert.Equal("resume_token", Assert.Single(refusal.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        using var forged = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest { ResumeToken = "bm90IGEgdG9rZW4" }, scenario.Team.Call);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => NextAsync(forged))).StatusCode);
    }

    [SkippableFact]
    public async Task The_coordinators_stream_and_at_risk_list_show_the_spanners_proposed_for_a_need_at_risk()
    {
        var scenario = await ScenarioAsync();
        var supporter = await NewPracticeAsync(OrganizationKind.Welfare, "community-worker");
        var today = Clock.Now.UtcDateTime;
        var spanner = (await new SpannersService.SpannersServiceClient(Channel).RegisterSpannerAsync(new RegisterSpannerRequest
        {
            Spanner = new BoundarySpanner
            {
                DisplayName = Unique("Yasmina"), Kind = SpannerKind.ExpertByExperience, Languages = { "ar", "nl" }, Neighbourhoods = { "moerwijk" },
                LifeDomains = { scenario.Need.LifeDomain }, MaxServiceUsers = 2, HoursPerWeek = 4,
                ConductCertificateDate = new CalendarDate { Year = today.Year - 1, Month = today.Month, Day = Math.Min(today.Day, 28) },
            },
        }, supporter.Call)).Spanner;
        using var coordinator = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest(), scenario.Team.Call);
        Assert.Equal(InboxMessageKind.CaughtUp, (await NextAsync(coordinator)).Kind);

        foreach (var kind in new[] { OrganizationKind.DebtCounselling, OrganizationKind.Welfare })
        {
            var (to, referral) = await ReferredAsync(scenario, kind);
            await Referrals.DeclineReferralAsync(new DeclineReferralRequest { Id = referral.Id, Etag = referral.Etag, Reason = ReferralDeclineReason.NoCapacity }, to.Call);
        }

        // The detection reaches the spanners service as an event, and its proposal comes back the same way.
        var notice = await NextAsync(coordinator);
        while (notice.AtRiskNeed.ProposedSpanners.Count == 0)
        {
            Assert.Equal((InboxMessageKind.AtRisk, scenario.Need.Id), (notice.Kind, notice.AtRiskNeed.NeedId));
            notice = await NextAsync(coordinator);
        }

        var proposed = Assert.Single(notice.AtRiskNeed.ProposedSpanners);
        Assert.Equal((spanner.Id, spanner.DisplayName, SpannerKind.ExpertByExperience, supporter.Id), (proposed.SpannerId, proposed.DisplayName, proposed.Kind, proposed.OrganizationId));
        Assert.Equal(["ar", "nl"], proposed.SharedLanguages);
        Assert.Equal("speaks ar, nl; active in moerwijk; housing; 2 places free", proposed.RankingReason);
        var listed = Assert.Single((await Referrals.ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest(), scenario.Team.Call)).Needs, n => n.NeedId == scenario.Need.Id);
        Assert.Equal(notice.AtRiskNeed.ProposedSpanners, listed.ProposedSpanners);
    }

    [SkippableFact]
    public async Task A_token_older_than_the_kept_history_is_out_of_range_and_an_ended_member_is_cut_off()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);
        string token;
        using (var stream = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest(), receiver.Call))
        {
            await NextAsync(stream);
            token = (await NextAsync(stream)).ResumeToken;
        }

        await Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = sent.Id, Etag = sent.Etag }, receiver.Call);
        Clock.Advance(ReferralsFixture.InboxRetention + TimeSpan.FromMinutes(1));
        await ScanDeadlinesAsync();
        var member = Now(receiver.Practice.Professional);
        using (var old = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest { ResumeToken = token }, member))
        {
            Assert.Equal(StatusCode.OutOfRange, (await Assert.ThrowsAsync<RpcException>(() => NextAsync(old))).StatusCode);
        }

        using var open = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest(), member);
        while ((await NextAsync(open)).Kind != InboxMessageKind.CaughtUp)
        {
        }

        var admin = Fixture.As(Standing(receiver.Practice.Organization.AdminMember));
        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = receiver.Practice.Professional.Id }, admin);
        Clock.Advance(TimeSpan.FromMinutes(1));
        RpcException? ended = null;
        while (ended is null)
        {
            try
            {
                Assert.Equal(InboxMessageKind.Heartbeat, (await NextAsync(open)).Kind);
                Clock.Advance(TimeSpan.FromMinutes(1));
            }
            catch (RpcException e)
            {
                ended = e;
            }
        }

        Assert.True(ended.StatusCode == StatusCode.PermissionDenied, ended.ToString());
    }

    private static async Task<WatchIncomingReferralsResponse> NextAsync(AsyncServerStreamingCall<WatchIncomingReferralsResponse> stream)
    {
        using var bound = new CancellationTokenSource(ReadBound);
        Assert.True(await stream.ResponseStream.MoveNext(bound.Token), "The stream ended.");
        return stream.ResponseStream.Current;
    }
}

[Collection(SqliteCollection.Name)]
public sealed class InboxStreamTestsOnSqlite(ReferralsSqliteFixture fixture) : InboxStreamTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class InboxStreamTestsOnPostgres(ReferralsPostgresFixture fixture) : InboxStreamTests(fixture);
