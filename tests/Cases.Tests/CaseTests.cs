using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Cases.Tests;

/// <summary>Cases with their coordinator, goals and handovers, and needs filtered by consent, through real gRPC.</summary>
public abstract class CaseTests(CasesFixture fixture) : CasesTest(fixture)
{
    [SkippableFact]
    public async Task The_gp_sees_the_needs_its_consent_covers_and_is_told_nothing_of_the_rest()
    {
        // The scenario: a coordinator in Moerwijk, needs in housing (no gas, water or electricity), debt and
        // loneliness, and a GP practice with a CARE consent for physical health and loneliness.
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var user = (await RegisterAsync(team, NewBsn())).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id, Plan = "Restore utilities, stabilise debts, rebuild contacts." } }, team.Call)).Case;
        var housing = await RecordAsync(team, user.Id, LifeDomain.Housing, NeedSeverity.Urgent, "No gas, water or electricity since March.");
        var debt = await RecordAsync(team, user.Id, LifeDomain.Debt, NeedSeverity.High, "Arrears with the energy company.");
        var lonely = await RecordAsync(team, user.Id, LifeDomain.Social, NeedSeverity.Moderate, "Few contacts since the move.");
        var consent = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth, LifeDomain.Social]);

        var seen = (await Cases.ListNeedsAsync(new ListNeedsRequest { ServiceUserId = user.Id }, gp.Call)).Needs;
        Assert.Equal([lonely.Id], seen.Select(n => n.Id));
        await FailsWith(StatusCode.NotFound, () => Cases.GetNeedAsync(new GetNeedRequest { Id = debt.Id }, gp.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.GetCaseAsync(new GetCaseRequest { Id = opened.Id }, gp.Call).ResponseAsync);
        Assert.Equal(3, (await Cases.ListNeedsAsync(new ListNeedsRequest { ServiceUserId = user.Id }, team.Call)).Needs.Count);
        Assert.Equal([housing.Id], (await Cases.ListNeedsAsync(new ListNeedsRequest { ServiceUserId = user.Id, LifeDomains = { LifeDomain.Housing } }, team.Call)).Needs.Select(n => n.Id));

        // The GP records a physical-health need, not a debt one; after the revocation its next call is refused.
        await RecordAsync(gp, user.Id, LifeDomain.PhysicalHealth, NeedSeverity.Moderate, "Chronic back pain.");
        await FailsWith(StatusCode.PermissionDenied, "CONSENT_MISSING", () => Cases.RecordNeedAsync(new RecordNeedRequest
        {
            Need = new Need { ServiceUserId = user.Id, LifeDomain = LifeDomain.Debt, Severity = NeedSeverity.Low },
        }, gp.Call).ResponseAsync);
        await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = consent.Id, Etag = consent.Etag, Reason = "Wil het niet meer." }, team.Call);
        await FailsWith(StatusCode.NotFound, () => Cases.ListNeedsAsync(new ListNeedsRequest { ServiceUserId = user.Id }, gp.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.GetNeedAsync(new GetNeedRequest { Id = lonely.Id }, gp.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_service_user_has_one_open_case_even_when_many_are_opened_at_once()
    {
        var team = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;

        var outcomes = await RaceAsync(10, _ => Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call).ResponseAsync);

        Assert.Single(outcomes, o => o.Error is null);
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.Equal((StatusCode.AlreadyExists, "CASE_ALREADY_OPEN"), (o.Error!.StatusCode, Reason(o.Error))));
        var open = outcomes.Single(o => o.Error is null).Result!.Case;
        var closed = (await Cases.CloseCaseAsync(new CloseCaseRequest { Id = open.Id, Etag = open.Etag, Reason = "Goals reached." }, team.Call)).Case;
        Assert.Equal((CaseStatus.Closed, "Goals reached."), (closed.Status, closed.CloseReason));
        await FailsWith(StatusCode.FailedPrecondition, "CASE_CLOSED", () => Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            Case = new Case { Id = open.Id, Etag = closed.Etag, Plan = "Too late" },
        }, team.Call).ResponseAsync);
        Assert.Equal(CaseStatus.Open, (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call)).Case.Status);
    }

    [SkippableFact]
    public async Task Goals_are_replaced_as_sent_and_the_household_must_be_linked()
    {
        var team = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var child = (await RegisterAsync(team, dateOfBirth: new CalendarDate { Year = 2016, Month = 2, Day = 29 })).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest
        {
            Case = new Case
            {
                ServiceUserId = user.Id,
                Goals = { new Goal { Description = "Utilities restored", LifeDomain = LifeDomain.Housing, TargetDate = new CalendarDate { Year = 2027, Month = 1, Day = 31 } }, new Goal { Description = "Debt plan agreed" } },
            },
        }, team.Call)).Case;
        Assert.All(opened.Goals, g => Assert.Equal(GoalStatus.Open, g.Status));

        var kept = opened.Goals[0].Clone();
        kept.Status = GoalStatus.Achieved;
        var updated = (await Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            Case = new Case { Id = opened.Id, Etag = opened.Etag, Goals = { kept, new Goal { Description = "Weekly walk with a neighbour", LifeDomain = LifeDomain.Social } } },
            UpdateMask = new FieldMask { Paths = { "goals" } },
        }, team.Call)).Case;

        Assert.Equal([(kept.Id, GoalStatus.Achieved), (updated.Goals[1].Id, GoalStatus.Open)], updated.Goals.Select(g => (g.Id, g.Status)));
        Assert.DoesNotContain(opened.Goals[1].Id, updated.Goals.Select(g => g.Id));
        await FailsWith(StatusCode.FailedPrecondition, "UNKNOWN_GOAL", () => Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            Case = new Case { Id = opened.Id, Etag = updated.Etag, Goals = { new Goal { Id = Guid.NewGuid().ToString(), Description = "Forged" } } },
            UpdateMask = new FieldMask { Paths = { "goals" } },
        }, team.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "NOT_IN_HOUSEHOLD", () => Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            Case = new Case { Id = opened.Id, Etag = updated.Etag, HouseholdServiceUserIds = { child.Id } },
            UpdateMask = new FieldMask { Paths = { "household_service_user_ids" } },
        }, team.Call).ResponseAsync);

        await ServiceUsers.LinkHouseholdMemberAsync(new LinkHouseholdMemberRequest { ServiceUserId = user.Id, RelatedServiceUserId = child.Id, Relation = HouseholdRelation.Child }, team.Call);
        var withChild = (await Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            Case = new Case { Id = opened.Id, Etag = updated.Etag, HouseholdServiceUserIds = { child.Id } },
            UpdateMask = new FieldMask { Paths = { "household_service_user_ids" } },
        }, team.Call)).Case;
        Assert.Equal([child.Id], withChild.HouseholdServiceUserIds);
        Assert.Equal(updated.Goals, withChild.Goals);
        Assert.Contains(opened.Id, (await Cases.ListCasesAsync(new ListCasesRequest { ServiceUserId = child.Id }, team.Call)).Cases.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task A_case_is_handed_over_to_an_eligible_colleague_and_needs_one_once_its_coordinator_leaves()
    {
        var team = await NewPracticeAsync();
        var colleague = await NewMemberAsync(team.Organization, MemberRole.Professional);
        var outsider = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call)).Case;
        Assert.Equal((team.Professional.Id, team.Id, false), (opened.CoordinatorMemberId, opened.CoordinatorOrganizationId, opened.HandoverNeeded));

        await FailsWith(StatusCode.FailedPrecondition, "COORDINATOR_NOT_ELIGIBLE", () => Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            Case = new Case { Id = opened.Id, Etag = opened.Etag, CoordinatorMemberId = outsider.Professional.Id },
            UpdateMask = new FieldMask { Paths = { "coordinator_member_id" } },
        }, team.Call).ResponseAsync);
        var handedOver = (await Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            Case = new Case { Id = opened.Id, Etag = opened.Etag, CoordinatorMemberId = colleague.Member.Id },
            UpdateMask = new FieldMask { Paths = { "coordinator_member_id" } },
            HandoverNote = "Energy company called back; debt intake on Thursday.",
        }, team.Call)).Case;
        Assert.Equal(colleague.Member.Id, handedOver.CoordinatorMemberId);
        var changes = await InCases(db => db.Outbox.AsNoTracking().Where(m => m.EventType == CaseCoordinatorChanged.Descriptor.FullName).Select(m => m.Payload).ToListAsync());
        Assert.Contains(changes.Select(CaseCoordinatorChanged.Parser.ParseFrom), e => e.CaseId == opened.Id && e.PreviousCoordinatorMemberId == team.Professional.Id);

        // The colleague's departure is planned for next week: from then on the case needs a handover.
        var leaving = (await Directory.DeactivateMemberAsync(new DeactivateMemberRequest
        {
            Id = colleague.Member.Id, EndTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(7)),
        }, team.Organization.Admin)).Member;
        await PublishAsync(new MemberChanged { Member = leaving, Version = long.Parse(leaving.Etag) });
        Assert.False((await Cases.GetCaseAsync(new GetCaseRequest { Id = opened.Id }, team.Call)).Case.HandoverNeeded);

        Clock.Advance(TimeSpan.FromDays(8));
        Assert.True((await Cases.GetCaseAsync(new GetCaseRequest { Id = opened.Id }, Fixture.As(Standing(team.Professional)))).Case.HandoverNeeded);
    }

    [SkippableFact]
    public async Task Only_the_coordinators_organization_changes_a_case()
    {
        var team = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call)).Case;
        await GrantAsync(team, user.Id, other, ConsentPurpose.Coordination, [LifeDomain.Social]);

        Assert.Equal(opened.Id, (await Cases.GetCaseAsync(new GetCaseRequest { Id = opened.Id }, other.Call)).Case.Id);
        await FailsWith(StatusCode.PermissionDenied, "NOT_COORDINATOR_ORGANIZATION", () =>
            Cases.CloseCaseAsync(new CloseCaseRequest { Id = opened.Id, Etag = opened.Etag, Reason = "Not ours to close" }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.Aborted, "ETAG_MISMATCH", () =>
            Cases.CloseCaseAsync(new CloseCaseRequest { Id = opened.Id, Etag = "999", Reason = "Stale" }, team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_need_gets_its_domains_default_dimensions_and_its_status_by_hand_except_referred()
    {
        var team = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var need = await RecordAsync(team, user.Id, LifeDomain.Debt, NeedSeverity.High, "Arrears");

        Assert.Equal([PositiveHealthDimension.MentalWellbeing, PositiveHealthDimension.QualityOfLife], need.Dimensions.Order());
        Assert.Equal(NeedStatus.Identified, need.Status);
        await FailsWith(StatusCode.FailedPrecondition, "STATUS_SET_BY_REFERRALS", () =>
            Cases.ChangeNeedStatusAsync(new ChangeNeedStatusRequest { Id = need.Id, Etag = need.Etag, Status = NeedStatus.Referred }, team.Call).ResponseAsync);
        var working = (await Cases.ChangeNeedStatusAsync(new ChangeNeedStatusRequest { Id = need.Id, Etag = need.Etag, Status = NeedStatus.InProgress, Note = "Budget coach started." }, team.Call)).Need;
        Assert.Equal((NeedStatus.InProgress, "Budget coach started."), (working.Status, working.StatusNote));

        var changed = (await Cases.UpdateNeedAsync(new UpdateNeedRequest
        {
            Need = new Need { Id = need.Id, Etag = working.Etag, Severity = NeedSeverity.Urgent, Dimensions = { PositiveHealthDimension.DailyFunctioning } },
            UpdateMask = new FieldMask { Paths = { "severity", "dimensions" } },
        }, team.Call)).Need;
        Assert.Equal((NeedSeverity.Urgent, "Arrears", PositiveHealthDimension.DailyFunctioning), (changed.Severity, changed.Description, changed.Dimensions.Single()));
        var events = await InCases(db => db.Outbox.AsNoTracking().Where(m => m.EventType == NeedStatusChanged.Descriptor.FullName).Select(m => m.Payload).ToListAsync());
        Assert.Contains(events.Select(NeedStatusChanged.Parser.ParseFrom), e => e.NeedId == need.Id && e.PreviousStatus == NeedStatus.Identified && e.Status == NeedStatus.InProgress);
    }

    [SkippableFact]
    public async Task Pillar_to_post_findings_mark_a_need_and_a_late_finding_does_not_undo_a_newer_one()
    {
        var team = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var need = await RecordAsync(team, user.Id, LifeDomain.Housing, NeedSeverity.Urgent, "No utilities");
        var detected = new PillarToPostDetected
        {
            NeedId = need.Id, ServiceUserId = user.Id, LifeDomain = LifeDomain.Housing, ChainId = "chain-1",
            Reasons = { PillarToPostReason.RepeatedRejection }, DetectTime = Timestamp.FromDateTimeOffset(Clock.Now),
        };

        await PublishAsync(detected);
        await PublishAsync(detected);
        var atRisk = (await Cases.ListNeedsAsync(new ListNeedsRequest { ServiceUserId = user.Id, AtRiskOnly = true }, team.Call)).Needs.Single();
        Assert.Equal((need.Id, PillarToPostReason.RepeatedRejection), (atRisk.Id, atRisk.AtRiskReasons.Single()));

        await PublishAsync(new PillarToPostCleared { NeedId = need.Id, ServiceUserId = user.Id, ChainId = "chain-1", ClearTime = Timestamp.FromDateTimeOffset(Clock.Now.AddMinutes(5)) });
        await PublishAsync(detected);
        var cleared = (await Cases.GetNeedAsync(new GetNeedRequest { Id = need.Id }, team.Call)).Need;
        Assert.False(cleared.AtRisk);
        Assert.Empty((await Cases.ListNeedsAsync(new ListNeedsRequest { ServiceUserId = user.Id, AtRiskOnly = true }, team.Call)).Needs);
    }

    [SkippableFact]
    public async Task Versioned_pillar_to_post_findings_twice_and_out_of_order_keep_the_newest_and_tell_the_coordinator_once()
    {
        var team = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var inOrder = await RecordAsync(team, user.Id, LifeDomain.Housing, NeedSeverity.Urgent, "No utilities");
        var newestFirst = await RecordAsync(team, user.Id, LifeDomain.Debt, NeedSeverity.High, "Arrears");
        PillarToPostDetected Detected(Need need, long version, params PillarToPostReason[] reasons) => new()
        {
            NeedId = need.Id, ServiceUserId = user.Id, LifeDomain = need.LifeDomain, ChainId = $"chain-{need.Id}", Reasons = { reasons },
            DetectTime = Timestamp.FromDateTimeOffset(Clock.Now), Version = version,
        };

        // The clear's time is before the detections': versions order the findings, not the clocks of their producers.
        PillarToPostCleared Cleared(Need need, long version) => new()
        {
            NeedId = need.Id, ServiceUserId = user.Id, ChainId = $"chain-{need.Id}", ClearTime = Timestamp.FromDateTimeOffset(Clock.Now.AddMinutes(-5)), Version = version,
        };

        IMessage[] Findings(Need need) =>
            [Detected(need, 1, PillarToPostReason.RepeatedRejection), Detected(need, 2, PillarToPostReason.RepeatedRejection, PillarToPostReason.TooManyOrganizations), Cleared(need, 3)];
        foreach (var message in Findings(inOrder).SelectMany(m => new[] { m, m }))
        {
            await PublishAsync(message);
        }

        foreach (var message in Enumerable.Reverse(Findings(newestFirst)).SelectMany(m => new[] { m, m }))
        {
            await PublishAsync(message);
        }

        Assert.All(await Task.WhenAll(new[] { inOrder, newestFirst }.Select(async n => (await Cases.GetNeedAsync(new GetNeedRequest { Id = n.Id }, team.Call)).Need)),
            need => Assert.Equal((false, 0), (need.AtRisk, need.AtRiskReasons.Count)));
        var alerts = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, team.Call)).View.RecentEvents
            .Where(e => e.Kind == TimelineEntryKind.Alert).ToList();
        Assert.Equal(
            ["Need at risk of pillar-to-post", "Need at risk of pillar-to-post", "Need no longer at risk of pillar-to-post"],
            alerts.Where(e => e.NeedId == inOrder.Id).Select(e => e.Summary).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(alerts, e => e.NeedId == newestFirst.Id);

        // A finding newer than the clear marks the need again, with its reasons.
        await PublishAsync(Detected(inOrder, 4, PillarToPostReason.NoAcceptance));
        var again = (await Cases.GetNeedAsync(new GetNeedRequest { Id = inOrder.Id }, team.Call)).Need;
        Assert.Equal((true, PillarToPostReason.NoAcceptance), (again.AtRisk, again.AtRiskReasons.Single()));
    }

    [SkippableFact]
    public async Task Another_organization_cannot_reach_a_case_or_need_by_guessing_ids()
    {
        var team = await NewPracticeAsync();
        var stranger = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call)).Case;
        var need = await RecordAsync(team, user.Id, LifeDomain.Debt, NeedSeverity.Low, "Small arrears");

        await FailsWith(StatusCode.NotFound, () => Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.GetCaseAsync(new GetCaseRequest { Id = opened.Id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.CloseCaseAsync(new CloseCaseRequest { Id = opened.Id, Etag = opened.Etag, Reason = "x" }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.GetNeedAsync(new GetNeedRequest { Id = need.Id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.ChangeNeedStatusAsync(new ChangeNeedStatusRequest { Id = need.Id, Etag = need.Etag, Status = NeedStatus.Met }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.ListNeedsAsync(new ListNeedsRequest { ServiceUserId = user.Id }, stranger.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Cases.RecordNeedAsync(new RecordNeedRequest { Need = new Need { ServiceUserId = user.Id, LifeDomain = LifeDomain.Debt, Severity = NeedSeverity.Low } }, stranger.Call).ResponseAsync);
        Assert.DoesNotContain(opened.Id, (await Cases.ListCasesAsync(new ListCasesRequest { CoordinatorMemberId = team.Professional.Id }, stranger.Call)).Cases.Select(c => c.Id));
    }

    private async Task<Need> RecordAsync(Practice practice, string serviceUserId, LifeDomain domain, NeedSeverity severity, string description) =>
        (await Cases.RecordNeedAsync(new RecordNeedRequest
        {
            Need = new Need { ServiceUserId = serviceUserId, LifeDomain = domain, Severity = severity, Description = description },
        }, practice.Call)).Need;
}

[Collection(SqliteCollection.Name)]
public sealed class CaseTestsOnSqlite(CasesSqliteFixture fixture) : CaseTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class CaseTestsOnPostgres(CasesPostgresFixture fixture) : CaseTests(fixture);
