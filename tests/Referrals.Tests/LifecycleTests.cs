using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Referrals.Tests;

/// <summary>The referral lifecycle: every legal step with its actor and note, who may take which, and every illegal move.</summary>
public abstract class LifecycleTests(ReferralsFixture fixture) : ReferralsTest(fixture)
{
    [SkippableFact]
    public async Task A_referral_is_received_accepted_started_and_completed_and_the_sender_sees_every_step()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);
        Assert.Equal(
            (ReferralStatus.Requested, scenario.User.Id, LifeDomain.Housing, scenario.Team.Id, receiver.Practice.Id, scenario.Case.Id, ReferralPriority.Urgent),
            (sent.Status, sent.ServiceUserId, sent.LifeDomain, sent.FromOrganizationId, sent.ToOrganizationId, sent.CaseId, sent.Priority));
        Assert.Equal(sent.CreateTime.ToDateTimeOffset() + TimeSpan.FromHours(72), sent.AcknowledgementDueTime.ToDateTimeOffset());

        var received = (await Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = sent.Id, Etag = sent.Etag }, receiver.Call)).Referral;
        var accepted = (await Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id, Etag = received.Etag, Note = "Intake donderdag." }, receiver.Call)).Referral;
        var started = (await Referrals.StartReferralAsync(new StartReferralRequest { Id = sent.Id, Etag = accepted.Etag }, receiver.Call)).Referral;
        var completed = (await Referrals.CompleteReferralAsync(new CompleteReferralRequest { Id = sent.Id, Etag = started.Etag, Outcome = ReferralOutcome.NeedMet, Note = "Aansluiting hersteld." }, receiver.Call)).Referral;

        Assert.Equal((ReferralStatus.Completed, ReferralOutcome.NeedMet, receiver.Practice.Professional.Id), (completed.Status, completed.Outcome, completed.HandlerMemberId));
        var seenBySender = (await Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, scenario.Team.Call)).Referral;
        Assert.Equal(
            [
                (ReferralStatus.Unspecified, ReferralStatus.Requested, scenario.Team.Professional.Id, ""),
                (ReferralStatus.Requested, ReferralStatus.Received, receiver.Practice.Professional.Id, ""),
                (ReferralStatus.Received, ReferralStatus.Accepted, receiver.Practice.Professional.Id, "Intake donderdag."),
                (ReferralStatus.Accepted, ReferralStatus.InProgress, receiver.Practice.Professional.Id, ""),
                (ReferralStatus.InProgress, ReferralStatus.Completed, receiver.Practice.Professional.Id, "Aansluiting hersteld."),
            ],
            seenBySender.History.Select(s => (s.FromStatus, s.ToStatus, s.ActorMemberId, s.Note)));
        Assert.Equal(completed, seenBySender);

        // The loop closes in the cases service too: the need follows its referral to MET, and a met need takes no referral.
        await EventuallyAsync(TimeSpan.FromSeconds(20), async () =>
            (await Cases.GetNeedAsync(new GetNeedRequest { Id = scenario.Need.Id }, scenario.Team.Call)).Need is { Status: NeedStatus.Met } met ? met : null);
        var other = await ReceiverAsync(OrganizationKind.Welfare, [LifeDomain.Housing]);
        var toOther = await ConsentToReferAsync(scenario, other);
        await FailsWith(StatusCode.FailedPrecondition, "NEED_MET", () => Referrals.CreateReferralAsync(RequestOf(scenario, other, toOther), scenario.Team.Call).ResponseAsync);

        // One event per step, with the referral's version, in order.
        Assert.Single(await OutboxAsync<ReferralRequested>(sent.Id));
        Assert.Equal(
            [(ReferralStatus.Received, 2L), (ReferralStatus.Accepted, 3L), (ReferralStatus.InProgress, 4L), (ReferralStatus.Completed, 5L)],
            (await OutboxAsync<ReferralStatusChanged>(sent.Id)).Select(e => (e.Status, e.Version)));
    }

    [SkippableFact]
    public async Task Only_the_receiver_answers_and_only_the_sender_withdraws()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);

        await FailsWith(StatusCode.PermissionDenied, "NOT_RECEIVER", () => Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id, Etag = sent.Etag }, scenario.Team.Call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, "NOT_SENDER", () => Referrals.CancelReferralAsync(new CancelReferralRequest { Id = sent.Id, Etag = sent.Etag, Note = "Toch niet." }, receiver.Call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, "NOT_SENDER", () => Referrals.MarkReferralEnteredInErrorAsync(new MarkReferralEnteredInErrorRequest { Id = sent.Id, Etag = sent.Etag, Note = "Verkeerd." }, receiver.Call).ResponseAsync);

        var cancelled = (await Referrals.CancelReferralAsync(new CancelReferralRequest { Id = sent.Id, Etag = sent.Etag, Note = "Opgelost via familie." }, scenario.Team.Call)).Referral;
        Assert.Equal(ReferralStatus.Cancelled, cancelled.Status);
        Assert.Equal(ReferralStatus.Cancelled, (await Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, receiver.Call)).Referral.Status);
    }

    [SkippableFact]
    public async Task Illegal_moves_are_refused_with_their_reason_and_a_stale_etag_is_aborted()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);

        await FailsWith(StatusCode.FailedPrecondition, "ILLEGAL_TRANSITION", () => Referrals.StartReferralAsync(new StartReferralRequest { Id = sent.Id, Etag = sent.Etag }, receiver.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "ILLEGAL_TRANSITION", () => Referrals.CompleteReferralAsync(new CompleteReferralRequest { Id = sent.Id, Etag = sent.Etag, Outcome = ReferralOutcome.NeedMet }, receiver.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "ILLEGAL_TRANSITION", () => Referrals.FailReferralAsync(new FailReferralRequest { Id = sent.Id, Etag = sent.Etag, Reason = ReferralFailureReason.NoContact }, receiver.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "ILLEGAL_TRANSITION", () => Referrals.ProvideReferralInformationAsync(new ProvideReferralInformationRequest { Id = sent.Id, Etag = sent.Etag, Note = "?" }, scenario.Team.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "ASK_FOR_INFORMATION", () => Referrals.DeclineReferralAsync(new DeclineReferralRequest { Id = sent.Id, Etag = sent.Etag, Reason = ReferralDeclineReason.InsufficientInformation }, receiver.Call).ResponseAsync);
        await InvalidField("reason", () => Referrals.FailReferralAsync(new FailReferralRequest { Id = sent.Id, Etag = sent.Etag, Reason = ReferralFailureReason.ConsentRevoked }, receiver.Call).ResponseAsync);
        await InvalidField("note", () => Referrals.DeclineReferralAsync(new DeclineReferralRequest { Id = sent.Id, Etag = sent.Etag, Reason = ReferralDeclineReason.Other }, receiver.Call).ResponseAsync);
        await InvalidField("etag", () => Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id }, receiver.Call).ResponseAsync);

        var received = (await Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = sent.Id, Etag = sent.Etag }, receiver.Call)).Referral;
        await FailsWith(StatusCode.Aborted, "ETAG_MISMATCH", () => Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id, Etag = sent.Etag }, receiver.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "ILLEGAL_TRANSITION", () => Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = sent.Id, Etag = received.Etag }, receiver.Call).ResponseAsync);

        var declined = (await Referrals.DeclineReferralAsync(new DeclineReferralRequest { Id = sent.Id, Etag = received.Etag, Reason = ReferralDeclineReason.OutsideArea, Note = "Buiten ons werkgebied." }, receiver.Call)).Referral;
        Assert.Equal((ReferralStatus.Declined, ReferralDeclineReason.OutsideArea), (declined.Status, declined.DeclineReason));
        foreach (var move in new Func<Task>[]
        {
            () => Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id, Etag = declined.Etag }, receiver.Call).ResponseAsync,
            () => Referrals.CancelReferralAsync(new CancelReferralRequest { Id = sent.Id, Etag = declined.Etag, Note = "x" }, scenario.Team.Call).ResponseAsync,
            () => Referrals.HoldReferralAsync(new HoldReferralRequest { Id = sent.Id, Etag = declined.Etag, ExpectedResumeTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(30)) }, receiver.Call).ResponseAsync,
        })
        {
            await FailsWith(StatusCode.FailedPrecondition, "ILLEGAL_TRANSITION", move);
        }

        // A mistake is corrected even after a final answer; then nothing follows.
        var corrected = (await Referrals.MarkReferralEnteredInErrorAsync(new MarkReferralEnteredInErrorRequest { Id = sent.Id, Etag = declined.Etag, Note = "Verkeerde cliënt." }, scenario.Team.Call)).Referral;
        Assert.Equal(ReferralStatus.EnteredInError, corrected.Status);
        await FailsWith(StatusCode.FailedPrecondition, "ILLEGAL_TRANSITION", () => Referrals.MarkReferralEnteredInErrorAsync(new MarkReferralEnteredInErrorRequest { Id = sent.Id, Etag = corrected.Etag, Note = "Nog eens." }, scenario.Team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_waiting_list_and_a_question_to_the_sender_hold_a_referral_without_rejecting_it()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);

        var asked = (await Referrals.RequestReferralInformationAsync(new RequestReferralInformationRequest { Id = sent.Id, Etag = sent.Etag, Note = "Is er een beschermingsbewindvoerder?" }, receiver.Call)).Referral;
        Assert.Equal((ReferralStatus.OnHold, ReferralHoldReason.InformationNeeded), (asked.Status, asked.HoldReason));
        await FailsWith(StatusCode.FailedPrecondition, "INFORMATION_PENDING", () => Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id, Etag = asked.Etag }, receiver.Call).ResponseAsync);
        var answered = (await Referrals.ProvideReferralInformationAsync(new ProvideReferralInformationRequest { Id = sent.Id, Etag = asked.Etag, Note = "Nee, nog niet." }, scenario.Team.Call)).Referral;
        Assert.Equal((ReferralStatus.Received, ReferralHoldReason.Unspecified), (answered.Status, answered.HoldReason));

        var expected = Timestamp.FromDateTimeOffset(ReferralNet.Platform.Persistence.Instants.AtStoragePrecision(Clock.Now.AddDays(21)));
        await FailsWith(StatusCode.FailedPrecondition, "EXPECTED_TIME_PASSED", () => Referrals.HoldReferralAsync(new HoldReferralRequest { Id = sent.Id, Etag = answered.Etag, ExpectedResumeTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(-1)) }, receiver.Call).ResponseAsync);
        var waiting = (await Referrals.HoldReferralAsync(new HoldReferralRequest { Id = sent.Id, Etag = answered.Etag, ExpectedResumeTime = expected, Note = "Wachtlijst." }, receiver.Call)).Referral;
        Assert.Equal((ReferralStatus.OnHold, ReferralHoldReason.WaitingList, expected), (waiting.Status, waiting.HoldReason, waiting.ExpectedResumeTime));
        var accepted = (await Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id, Etag = waiting.Etag }, receiver.Call)).Referral;
        Assert.Equal((ReferralStatus.Accepted, ReferralHoldReason.Unspecified, null), (accepted.Status, accepted.HoldReason, accepted.ExpectedResumeTime));
    }

    [SkippableFact]
    public async Task Another_organization_neither_sees_nor_acts_on_a_referral_between_two_others()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);
        var stranger = await NewPracticeAsync(OrganizationKind.DebtCounselling);

        await FailsWith(StatusCode.NotFound, () => Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Referrals.AcceptReferralAsync(new AcceptReferralRequest { Id = sent.Id, Etag = sent.Etag }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Referrals.CancelReferralAsync(new CancelReferralRequest { Id = sent.Id, Etag = sent.Etag, Note = "x" }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Referrals.GetReferralAsync(new GetReferralRequest { Id = Guid.NewGuid().ToString() }, stranger.Call).ResponseAsync);
        Assert.Empty((await Referrals.ListIncomingReferralsAsync(new ListIncomingReferralsRequest { ServiceUserId = scenario.User.Id }, stranger.Call)).Referrals);
        Assert.Empty((await Referrals.ListOutgoingReferralsAsync(new ListOutgoingReferralsRequest { ServiceUserId = scenario.User.Id }, stranger.Call)).Referrals);
        Assert.Equal(ReferralStatus.Requested, (await Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, receiver.Call)).Referral.Status);

        // A stranger cannot refer a need it does not see either: the need does not exist for it.
        var consent = await ConsentToReferAsync(scenario, receiver);
        await FailsWith(StatusCode.NotFound, () => Referrals.CreateReferralAsync(RequestOf(scenario, receiver, consent), stranger.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task Inboxes_and_outboxes_page_and_filter()
    {
        var scenario = await ScenarioAsync();
        var receiver = await ReceiverAsync(OrganizationKind.Welfare, [LifeDomain.Housing]);
        var consent = await ConsentToReferAsync(scenario, receiver);
        var first = await ReferAsync(scenario, receiver, consent);
        await Referrals.CancelReferralAsync(new CancelReferralRequest { Id = first.Id, Etag = first.Etag, Note = "Dubbel." }, scenario.Team.Call);
        var second = await ReferAsync(scenario, receiver, consent);

        var page = await Referrals.ListIncomingReferralsAsync(new ListIncomingReferralsRequest { PageSize = 1 }, receiver.Call);
        Assert.Equal([first.Id], page.Referrals.Select(r => r.Id));
        var next = await Referrals.ListIncomingReferralsAsync(new ListIncomingReferralsRequest { PageSize = 1, PageToken = page.NextPageToken }, receiver.Call);
        Assert.Equal([second.Id], next.Referrals.Select(r => r.Id));
        Assert.Empty(next.NextPageToken);
        await InvalidField("page_token", () => Referrals.ListIncomingReferralsAsync(new ListIncomingReferralsRequest { PageSize = 1, PageToken = page.NextPageToken, Statuses = { ReferralStatus.Requested } }, receiver.Call).ResponseAsync);
        await InvalidField("page_token", () => Referrals.ListIncomingReferralsAsync(new ListIncomingReferralsRequest { PageToken = "Zm9yZ2Vk" }, receiver.Call).ResponseAsync);

        Assert.Equal([second.Id], (await Referrals.ListIncomingReferralsAsync(new ListIncomingReferralsRequest { Statuses = { ReferralStatus.Requested } }, receiver.Call)).Referrals.Select(r => r.Id));
        Assert.Equal([second.Id, first.Id], (await Referrals.ListOutgoingReferralsAsync(new ListOutgoingReferralsRequest { NeedId = scenario.Need.Id }, scenario.Team.Call)).Referrals.Select(r => r.Id));
        Assert.Empty((await Referrals.ListOutgoingReferralsAsync(new ListOutgoingReferralsRequest { NeedId = scenario.Need.Id, CreateStartTime = Timestamp.FromDateTimeOffset(Clock.Now.AddMinutes(1)) }, scenario.Team.Call)).Referrals);
    }

    [SkippableFact]
    public async Task A_merge_of_two_records_moves_the_referrals_to_the_record_kept_and_tells_the_receiver()
    {
        var kept = await ScenarioAsync();
        var duplicate = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(duplicate);
        using var inbox = Referrals.WatchIncomingReferrals(new WatchIncomingReferralsRequest(), receiver.Call);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await inbox.ResponseStream.MoveNext(bound.Token));
        Assert.True(await inbox.ResponseStream.MoveNext(bound.Token));
        Assert.Equal(InboxMessageKind.CaughtUp, inbox.ResponseStream.Current.Kind);

        await PublishAsync(new ServiceUsersMerged { ServiceUserId = kept.User.Id, MergedServiceUserId = duplicate.User.Id, Version = 3 });

        var moved = (await Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, duplicate.Team.Call)).Referral;
        Assert.Equal(kept.User.Id, moved.ServiceUserId);
        Assert.NotEqual(sent.Etag, moved.Etag);
        Assert.Equal([sent.Id], (await Referrals.ListOutgoingReferralsAsync(new ListOutgoingReferralsRequest { ServiceUserId = kept.User.Id }, duplicate.Team.Call)).Referrals.Select(r => r.Id));
        Assert.True(await inbox.ResponseStream.MoveNext(bound.Token));
        Assert.Equal((sent.Id, kept.User.Id), (inbox.ResponseStream.Current.Referral.Id, inbox.ResponseStream.Current.Referral.ServiceUserId));
        Assert.Equal(kept.User.Id, await InReferrals(db => db.Chains.Where(c => c.Id == sent.ChainId).Select(c => c.ServiceUserId).SingleAsync()));
    }

    [SkippableFact]
    public async Task The_receivers_reads_and_steps_and_a_strangers_refused_read_reach_the_service_users_access_log()
    {
        var scenario = await ScenarioAsync();
        var (receiver, sent) = await ReferredAsync(scenario);
        var stranger = await NewPracticeAsync();
        await Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, receiver.Call);
        await Referrals.ReceiveReferralAsync(new ReceiveReferralRequest { Id = sent.Id, Etag = sent.Etag }, receiver.Call);
        await FailsWith(StatusCode.NotFound, () => Referrals.GetReferralAsync(new GetReferralRequest { Id = sent.Id }, stranger.Call).ResponseAsync);

        // The referrals service's records arrive as events; the cases service answers the log alone.
        var log = await EventuallyAsync(TimeSpan.FromSeconds(20), async () =>
            (await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = scenario.User.Id, OrganizationIds = { receiver.Practice.Id, stranger.Id } }, scenario.Team.Call)).Entries
            is { Count: >= 3 } entries ? entries : null);
        Assert.Equal(
            [
                (stranger.Id, "/referralnet.v1.ReferralsService/GetReferral", AccessAction.View, "NotFound"),
                (receiver.Practice.Id, "/referralnet.v1.ReferralsService/GetReferral", AccessAction.View, "OK"),
                (receiver.Practice.Id, "/referralnet.v1.ReferralsService/ReceiveReferral", AccessAction.Change, "OK"),
            ],
            log.Select(e => (e.OrganizationId, e.Method, e.Action, e.Outcome)).OrderBy(e => e.Method.Length).ThenBy(e => e.Outcome));
        Assert.All(log, e => Assert.Equal("referral", e.RecordType));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class LifecycleTestsOnSqlite(ReferralsSqliteFixture fixture) : LifecycleTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class LifecycleTestsOnPostgres(ReferralsPostgresFixture fixture) : LifecycleTests(fixture);
