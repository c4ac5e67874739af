using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ReferralNet.Cases.Tests;

/// <summary>The care team: kept from cases, referrals and spanner assignments, added by hand, handed over, ended.</summary>
public abstract class CareTeamTests(CasesFixture fixture) : CasesTest(fixture)
{
    [SkippableFact]
    public async Task The_coordinator_is_in_the_care_team_from_open_to_close_and_moves_with_a_handover()
    {
        var team = await NewPracticeAsync();
        var colleague = await NewMemberAsync(team.Organization, MemberRole.Professional);
        var user = (await RegisterAsync(team)).ServiceUser;
        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call)).Case;
        Assert.Equal([(InvolvementRole.Coordinator, team.Professional.Id)], (await ActiveAsync(user.Id, team.Call)).Select(i => (i.Role, i.MemberId)));

        var handedOver = (await Cases.UpdateCaseAsync(new UpdateCaseRequest
        {
            Case = new Case { Id = opened.Id, Etag = opened.Etag, CoordinatorMemberId = colleague.Member.Id },
            UpdateMask = new FieldMask { Paths = { "coordinator_member_id" } },
            HandoverNote = "Intake done; debt plan pending.",
        }, team.Call)).Case;
        var coordinator = Assert.Single(await ActiveAsync(user.Id, team.Call));
        Assert.Equal((colleague.Member.Id, "Intake done; debt plan pending."), (coordinator.MemberId, coordinator.HandoverNote));
        Assert.NotEmpty(coordinator.HandedOverFromInvolvementId);

        await Cases.CloseCaseAsync(new CloseCaseRequest { Id = opened.Id, Etag = handedOver.Etag, Reason = "Done" }, team.Call);
        Assert.Empty(await ActiveAsync(user.Id, team.Call));
        var history = (await CareTeam.ListInvolvementsAsync(new ListInvolvementsRequest { ServiceUserId = user.Id, IncludeEnded = true }, team.Call)).Involvements;
        Assert.Equal([InvolvementEndReason.HandedOver, InvolvementEndReason.Completed], history.Select(i => i.EndReason));
    }

    [SkippableFact]
    public async Task An_organization_adds_and_ends_its_own_involvement_and_no_one_elses()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var user = (await RegisterAsync(team)).ServiceUser;
        await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);

        var added = (await CareTeam.AddInvolvementAsync(new AddInvolvementRequest
        {
            Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.GeneralPractitioner, Description = "Family doctor" },
        }, gp.Call)).Involvement;
        Assert.Equal((gp.Id, gp.Professional.Id, true), (added.OrganizationId, added.MemberId, added.Active));
        Assert.Contains(added.Id, (await ActiveAsync(user.Id, team.Call)).Select(i => i.Id));
        await InvalidField("involvement.role", () => CareTeam.AddInvolvementAsync(new AddInvolvementRequest
        {
            Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.Coordinator },
        }, gp.Call).ResponseAsync);

        await FailsWith(StatusCode.PermissionDenied, "NOT_INVOLVED_ORGANIZATION", () =>
            CareTeam.EndInvolvementAsync(new EndInvolvementRequest { Id = added.Id, Etag = added.Etag }, team.Call).ResponseAsync);
        var ended = (await CareTeam.EndInvolvementAsync(new EndInvolvementRequest { Id = added.Id, Etag = added.Etag }, gp.Call)).Involvement;
        Assert.Equal((false, InvolvementEndReason.Completed), (ended.Active, ended.EndReason));
    }

    [SkippableFact]
    public async Task Referral_events_keep_the_provider_once_and_a_late_event_does_not_bring_it_back()
    {
        var team = await NewPracticeAsync();
        var provider = await NewPracticeAsync(OrganizationKind.DebtCounselling);
        var user = (await RegisterAsync(team)).ServiceUser;
        var need = (await Cases.RecordNeedAsync(new RecordNeedRequest { Need = new Need { ServiceUserId = user.Id, LifeDomain = LifeDomain.Debt, Severity = NeedSeverity.High } }, team.Call)).Need;
        var referral = Guid.NewGuid().ToString();
        ReferralStatusChanged Change(ReferralStatus status, long version) => new()
        {
            ReferralId = referral, ChainId = "chain", ServiceUserId = user.Id, NeedId = need.Id, LifeDomain = LifeDomain.Debt,
            FromOrganizationId = team.Id, ToOrganizationId = provider.Id, Status = status, HandlerMemberId = provider.Professional.Id,
            ChangeTime = Timestamp.FromDateTimeOffset(Clock.Now), Version = version,
        };

        await PublishAsync(Change(ReferralStatus.Accepted, 2));
        await PublishAsync(Change(ReferralStatus.Accepted, 2));
        var providing = Assert.Single(await ActiveAsync(user.Id, team.Call), i => i.Role == InvolvementRole.Provider);
        Assert.Equal((provider.Id, provider.Professional.Id, need.Id, referral), (providing.OrganizationId, providing.MemberId, providing.NeedId, providing.ReferralId));

        await PublishAsync(Change(ReferralStatus.Completed, 4));
        await PublishAsync(Change(ReferralStatus.Accepted, 3));
        Assert.DoesNotContain(await ActiveAsync(user.Id, team.Call), i => i.Role == InvolvementRole.Provider);
    }

    [SkippableFact]
    public async Task Spanner_assignments_keep_the_constant_contact_whatever_the_order_of_their_events()
    {
        var team = await NewPracticeAsync();
        var cooperative = await NewPracticeAsync(OrganizationKind.CitizenCooperative);
        var user = (await RegisterAsync(team)).ServiceUser;
        SpannerAssigned Assigned(string assignment) => new()
        {
            AssignmentId = assignment, SpannerId = "spanner-1", SpannerDisplayName = "Yasmina", SpannerOrganizationId = cooperative.Id,
            ServiceUserId = user.Id, ConstantContact = true, StartTime = Timestamp.FromDateTimeOffset(Clock.Now),
        };

        await PublishAsync(Assigned("assignment-1"));
        var contact = Assert.Single(await ActiveAsync(user.Id, team.Call), i => i.Role == InvolvementRole.ConstantContact);
        Assert.Equal("spanner-1", contact.BoundarySpannerId);

        // The end of a second assignment arrives before its start: it never becomes active.
        await PublishAsync(new SpannerAssignmentEnded { AssignmentId = "assignment-2", SpannerId = "spanner-1", ServiceUserId = user.Id, EndTime = Timestamp.FromDateTimeOffset(Clock.Now) });
        await PublishAsync(Assigned("assignment-2"));
        Assert.Single(await ActiveAsync(user.Id, team.Call), i => i.Role == InvolvementRole.ConstantContact);

        await PublishAsync(new SpannerAssignmentEnded { AssignmentId = "assignment-1", SpannerId = "spanner-1", ServiceUserId = user.Id, EndTime = Timestamp.FromDateTimeOffset(Clock.Now) });
        Assert.DoesNotContain(await ActiveAsync(user.Id, team.Call), i => i.Role == InvolvementRole.ConstantContact);
    }

    [SkippableFact]
    public async Task Versioned_assignment_events_twice_and_newest_first_change_nothing_after_the_end()
    {
        var (team, cooperative, inOrder, newestFirst) = await TwoServiceUsersOfOneTeamAsync();
        SpannerAssigned Assigned(string serviceUserId) => new()
        {
            AssignmentId = $"assignment-{serviceUserId}", SpannerId = "spanner-v", SpannerDisplayName = "Yasmina", SpannerOrganizationId = cooperative.Id,
            ServiceUserId = serviceUserId, ConstantContact = true, StartTime = Timestamp.FromDateTimeOffset(Clock.Now), Version = 1,
        };
        SpannerAssignmentEnded Ended(string serviceUserId) => new()
        {
            AssignmentId = $"assignment-{serviceUserId}", SpannerId = "spanner-v", ServiceUserId = serviceUserId, ConstantContact = true,
            Reason = AssignmentEndReason.Completed, EndTime = Timestamp.FromDateTimeOffset(Clock.Now), Version = 2,
        };

        foreach (var message in new IMessage[] { Assigned(inOrder.Id), Assigned(inOrder.Id), Ended(inOrder.Id), Ended(inOrder.Id), Assigned(inOrder.Id) })
        {
            await PublishAsync(message);
        }

        foreach (var message in new IMessage[] { Ended(newestFirst.Id), Ended(newestFirst.Id), Assigned(newestFirst.Id), Assigned(newestFirst.Id) })
        {
            await PublishAsync(message);
        }

        // In order: one involvement, ended once, on the timeline once each way; newest first: it never starts.
        var history = await HistoryAsync(inOrder.Id, team.Call);
        Assert.Equal([("spanner-v", false, InvolvementEndReason.SourceEnded)], history.Where(i => i.BoundarySpannerId.Length > 0).Select(i => (i.BoundarySpannerId, i.Active, i.EndReason)));
        Assert.Equal(
            ["A boundary spanner became the constant contact", "Left the care team: constant contact (source ended)"],
            (await TimelineAsync(inOrder.Id, team.Call, TimelineEntryKind.Spanner)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(await HistoryAsync(newestFirst.Id, team.Call), i => i.BoundarySpannerId.Length > 0);
        Assert.Empty(await TimelineAsync(newestFirst.Id, team.Call, TimelineEntryKind.Spanner));
    }

    [SkippableFact]
    public async Task A_stopped_spanner_stays_the_constant_contact_until_the_successor_arrives_whatever_the_order_of_the_events()
    {
        var (team, cooperative, inOrder, newestFirst) = await TwoServiceUsersOfOneTeamAsync();
        var endFirst = (await RegisterAsync(team)).ServiceUser;
        var stop = Clock.Now.AddMinutes(-10);
        var (firstInOrder, stoppedInOrder) = SuccessionOf(inOrder.Id, cooperative.Id, SuccessionBasis.Backup, stop);
        var (firstNewestFirst, stoppedNewestFirst) = SuccessionOf(newestFirst.Id, cooperative.Id, SuccessionBasis.Backup, stop);
        var (firstEndFirst, stoppedEndFirst) = SuccessionOf(endFirst.Id, cooperative.Id, SuccessionBasis.Backup, stop);

        // In order, every event twice. After the stop and the succession the stopped spanner is still there, needing a
        // handover: the successor's assignment has not arrived yet.
        await PublishAsync(firstInOrder);
        foreach (var message in stoppedInOrder.SkipLast(1))
        {
            await PublishAsync(message);
            await PublishAsync(message);
        }

        var waiting = Assert.Single(await ActiveAsync(inOrder.Id, team.Call), i => i.BoundarySpannerId.Length > 0);
        Assert.Equal(($"stopped-{inOrder.Id}", InvolvementRole.ConstantContact, true), (waiting.BoundarySpannerId, waiting.Role, waiting.HandoverNeeded));
        Assert.Equal($"stopped-{inOrder.Id}", (await ViewAsync(inOrder.Id, team.Call)).ConstantContact.SpannerId);
        await PublishAsync(stoppedInOrder[^1]);
        await PublishAsync(stoppedInOrder[^1]);

        // Newest first, every event twice, the stop last.
        await PublishAsync(firstNewestFirst);
        foreach (var message in Enumerable.Reverse(stoppedNewestFirst))
        {
            await PublishAsync(message);
            await PublishAsync(message);
        }

        // The end of the assignment first, then the succession, the stop and the successor's assignment, every one twice.
        await PublishAsync(firstEndFirst);
        foreach (var message in new[] { stoppedEndFirst[1], stoppedEndFirst[2], stoppedEndFirst[0], stoppedEndFirst[3] })
        {
            await PublishAsync(message);
            await PublishAsync(message);
        }

        foreach (var user in new[] { inOrder.Id, newestFirst.Id, endFirst.Id })
        {
            var history = (await HistoryAsync(user, team.Call)).Where(i => i.BoundarySpannerId.Length > 0).ToList();
            var stopped = Assert.Single(history, i => i.BoundarySpannerId == $"stopped-{user}");
            var successor = Assert.Single(history, i => i.BoundarySpannerId == $"backup-{user}");
            Assert.Equal((false, InvolvementEndReason.HandedOver, false), (stopped.Active, stopped.EndReason, stopped.HandoverNeeded));
            Assert.Equal((true, InvolvementRole.ConstantContact, stopped.Id, false), (successor.Active, successor.Role, successor.HandedOverFromInvolvementId, successor.HandoverNeeded));
            Assert.Equal(successor.StartTime, stopped.EndTime);
            var view = await ViewAsync(user, team.Call);
            Assert.Equal(($"backup-{user}", $"new-{user}"), (view.ConstantContact.SpannerId, view.ConstantContact.AssignmentId));
            Assert.Equal(
                ["A boundary spanner became the constant contact", "A boundary spanner became the constant contact", "A successor takes over from a stopped boundary spanner (backup)",
                    "Left the care team: constant contact (handed over)"],
                (await TimelineAsync(user, team.Call, TimelineEntryKind.Spanner)).Order(StringComparer.Ordinal));
        }

        // The coordinator was told of the stop, once, while the successor was on the way, whichever of the stop's events
        // came first; once the successor was there, there is nothing to tell.
        Assert.Equal(["A boundary spanner stopped: constant contact needs a successor"], await TimelineAsync(inOrder.Id, team.Call, TimelineEntryKind.Alert));
        Assert.Equal(["A boundary spanner stopped: constant contact needs a successor"], await TimelineAsync(endFirst.Id, team.Call, TimelineEntryKind.Alert));
        Assert.Empty(await TimelineAsync(newestFirst.Id, team.Call, TimelineEntryKind.Alert));
    }

    [SkippableFact]
    public async Task A_stopped_spanner_without_successor_leaves_and_the_coordinator_is_told_once()
    {
        var (team, cooperative, inOrder, newestFirst) = await TwoServiceUsersOfOneTeamAsync();
        var (firstInOrder, stoppedInOrder) = SuccessionOf(inOrder.Id, cooperative.Id, SuccessionBasis.None, Clock.Now.AddMinutes(-10));
        var (firstNewestFirst, stoppedNewestFirst) = SuccessionOf(newestFirst.Id, cooperative.Id, SuccessionBasis.None, Clock.Now.AddMinutes(-10));

        await PublishAsync(firstInOrder);
        foreach (var message in stoppedInOrder.Concat(stoppedInOrder))
        {
            await PublishAsync(message);
        }

        await PublishAsync(firstNewestFirst);
        foreach (var message in Enumerable.Reverse(stoppedNewestFirst).Concat(Enumerable.Reverse(stoppedNewestFirst)))
        {
            await PublishAsync(message);
        }

        foreach (var user in new[] { inOrder.Id, newestFirst.Id })
        {
            var stopped = Assert.Single(await HistoryAsync(user, team.Call), i => i.BoundarySpannerId.Length > 0);
            Assert.Equal((false, InvolvementEndReason.SourceEnded), (stopped.Active, stopped.EndReason));
            Assert.Null((await ViewAsync(user, team.Call)).ConstantContact);
            Assert.Contains(
                "Nobody could take over from a stopped boundary spanner: the coordinator needs to find a new constant contact",
                await TimelineAsync(user, team.Call, TimelineEntryKind.Alert));
        }

        Assert.Equal(2, (await TimelineAsync(inOrder.Id, team.Call, TimelineEntryKind.Alert)).Count);
        Assert.Single(await TimelineAsync(newestFirst.Id, team.Call, TimelineEntryKind.Alert));
    }

    [SkippableFact]
    public async Task A_leaving_members_work_needs_a_handover_and_the_org_admin_hands_it_all_over()
    {
        var team = await NewPracticeAsync();
        var colleague = await NewMemberAsync(team.Organization, MemberRole.Professional);
        var user = (await RegisterAsync(team)).ServiceUser;
        var other = (await RegisterAsync(team)).ServiceUser;
        await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id } }, team.Call);
        await CareTeam.AddInvolvementAsync(new AddInvolvementRequest { Involvement = new Involvement { ServiceUserId = other.Id, Role = InvolvementRole.Supporter } }, team.Call);

        var leaving = (await Directory.DeactivateMemberAsync(new DeactivateMemberRequest
        {
            Id = team.Professional.Id, EndTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(3)),
        }, team.Organization.Admin)).Member;
        await PublishAsync(new MemberChanged { Member = leaving, Version = long.Parse(leaving.Etag) });
        Clock.Advance(TimeSpan.FromDays(4));
        var colleagueCall = Fixture.As(Standing(colleague.Member));
        Assert.True((await ActiveAsync(other.Id, colleagueCall)).Single().HandoverNeeded);

        // The coordinators are told on the timeline, once, however often the directory's event arrives.
        await PublishAsync(new MemberChanged { Member = leaving, Version = long.Parse(leaving.Etag) });
        async Task<IEnumerable<string>> AlertsAsync(string serviceUserId) =>
            (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = serviceUserId }, colleagueCall)).View.RecentEvents
            .Where(e => e.Kind == TimelineEntryKind.Alert).Select(e => e.Summary);
        var leavesOn = leaving.EndTime.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"The coordinator leaves on {leavesOn}: the case needs a new coordinator"], await AlertsAsync(user.Id));
        Assert.Equal([$"A care-team member leaves on {leavesOn}: supporter needs a handover"], await AlertsAsync(other.Id));

        var result = await CareTeam.HandOverMemberAsync(new HandOverMemberRequest
        {
            FromMemberId = team.Professional.Id, ToMemberId = colleague.Member.Id, Note = "Sam left; Fatima's file is up to date.",
        }, Fixture.As(Standing(team.Organization.AdminMember)));

        Assert.Equal((1, 1), (result.InvolvementsHandedOver, result.CasesHandedOver));
        Assert.All((await ActiveAsync(user.Id, colleagueCall)).Concat(await ActiveAsync(other.Id, colleagueCall)), i =>
            Assert.Equal((colleague.Member.Id, false), (i.MemberId, i.HandoverNeeded)));
    }

    [SkippableFact]
    public async Task A_revoked_consent_takes_its_organization_out_of_the_care_team()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var user = (await RegisterAsync(team)).ServiceUser;
        var consent = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);
        var added = (await CareTeam.AddInvolvementAsync(new AddInvolvementRequest
        {
            Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.GeneralPractitioner },
        }, gp.Call)).Involvement;

        await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = consent.Id, Etag = consent.Etag, Reason = "Changed GP." }, team.Call);

        var history = (await CareTeam.ListInvolvementsAsync(new ListInvolvementsRequest { ServiceUserId = user.Id, IncludeEnded = true }, team.Call)).Involvements;
        Assert.Equal(InvolvementEndReason.ConsentRevoked, history.Single(i => i.Id == added.Id).EndReason);
    }

    [SkippableFact]
    public async Task An_expired_consent_takes_its_organization_out_of_the_care_team_as_a_revocation_does()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var welfare = await NewPracticeAsync(OrganizationKind.Welfare);
        var user = (await RegisterAsync(team)).ServiceUser;
        var until = Timestamp.FromDateTimeOffset(Clock.Now.AddMinutes(10));
        await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth], until);
        await GrantAsync(team, user.Id, welfare, ConsentPurpose.Care, [LifeDomain.Social], until);
        await GrantAsync(team, user.Id, welfare, ConsentPurpose.Care, [LifeDomain.Social]);
        var doctor = (await CareTeam.AddInvolvementAsync(new AddInvolvementRequest
        {
            Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.GeneralPractitioner },
        }, gp.Call)).Involvement;
        var supporter = (await CareTeam.AddInvolvementAsync(new AddInvolvementRequest
        {
            Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.Supporter },
        }, welfare.Call)).Involvement;

        // The sweep runs on the host's clock, in the background: the test waits for its round after the end time.
        Clock.Advance(TimeSpan.FromMinutes(20));
        var coordinator = Fixture.As(Standing(team.Professional));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        IReadOnlyList<Involvement> history;
        while ((history = await HistoryAsync(user.Id, coordinator)).Single(i => i.Id == doctor.Id).Active && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // The GP had only the expired consent; the welfare organization holds another one and stays.
        Assert.Equal((false, InvolvementEndReason.ConsentExpired), (history.Single(i => i.Id == doctor.Id).Active, history.Single(i => i.Id == doctor.Id).EndReason));
        Assert.True(history.Single(i => i.Id == supporter.Id).Active);
        var timeline = await ViewAsync(user.Id, coordinator);
        Assert.Equal(2, timeline.RecentEvents.Count(e => e.Kind == TimelineEntryKind.Consent && e.Summary == "Consent expired for care"));
        Assert.Contains(timeline.RecentEvents, e => e.Summary == "Left the care team: general practitioner (consent expired)");
    }

    [SkippableFact]
    public async Task A_move_marks_the_involvements_of_organizations_that_work_elsewhere_for_review_unless_kept()
    {
        var team = await NewPracticeAsync();
        var local = await NewOrganizationAsync(OrganizationKind.Welfare, "moerwijk");
        var localWorker = await NewMemberAsync(local, MemberRole.Professional);
        var kept = await NewOrganizationAsync(OrganizationKind.Welfare, "moerwijk");
        var keptWorker = await NewMemberAsync(kept, MemberRole.Professional);
        var user = (await RegisterAsync(team)).ServiceUser;
        foreach (var organization in new[] { local, kept })
        {
            await PublishAsync(new OrganizationChanged { Organization = organization.Organization, Version = long.Parse(organization.Organization.Etag) });
            await Consents.GrantConsentAsync(new GrantConsentRequest
            {
                Consent = new Consent { ServiceUserId = user.Id, OrganizationId = organization.Organization.Id, Purpose = ConsentPurpose.Care, LifeDomains = { LifeDomain.Social }, Method = ConsentMethod.Verbal },
            }, team.Call);
        }

        var toReview = (await CareTeam.AddInvolvementAsync(new AddInvolvementRequest { Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.Supporter } }, localWorker.Call)).Involvement;
        var toKeep = (await CareTeam.AddInvolvementAsync(new AddInvolvementRequest { Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.Supporter } }, keptWorker.Call)).Involvement;
        var current = (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, team.Call)).ServiceUser;

        var moved = await ServiceUsers.MoveServiceUserAsync(new MoveServiceUserRequest
        {
            Id = user.Id, Etag = current.Etag, Neighbourhood = "laak", KeepInvolvementIds = { toKeep.Id },
        }, team.Call);

        // Both stay in the care team; the one of the organization that works elsewhere waits for it to confirm or end it.
        var marked = Assert.Single(moved.InvolvementsToReview);
        Assert.Equal((toReview.Id, true, true), (marked.Id, marked.Active, marked.ReviewNeeded));
        Assert.Contains("moerwijk to laak", marked.ReviewReason);
        var team1 = await ActiveAsync(user.Id, team.Call);
        Assert.Equal([(toKeep.Id, false), (toReview.Id, true)], team1.Where(i => i.Id == toKeep.Id || i.Id == toReview.Id).Select(i => (i.Id, i.ReviewNeeded)).OrderBy(i => i.Item2));
        var view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, team.Call)).View;
        Assert.True(view.CareTeam.Single(e => e.Involvement.Id == toReview.Id).Involvement.ReviewNeeded);

        // Only a professional of the involved organization answers the review; confirming it once is enough.
        var privacyOfficer = await NewMemberAsync(local, MemberRole.PrivacyOfficer);
        await FailsWith(StatusCode.PermissionDenied, () => CareTeam.ConfirmInvolvementAsync(new ConfirmInvolvementRequest { Id = toReview.Id, Etag = marked.Etag }, privacyOfficer.Call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, "NOT_INVOLVED_ORGANIZATION", () => CareTeam.ConfirmInvolvementAsync(new ConfirmInvolvementRequest { Id = toReview.Id, Etag = marked.Etag }, keptWorker.Call).ResponseAsync);
        var confirmed = (await CareTeam.ConfirmInvolvementAsync(new ConfirmInvolvementRequest { Id = toReview.Id, Etag = marked.Etag }, localWorker.Call)).Involvement;
        Assert.Equal((true, false, ""), (confirmed.Active, confirmed.ReviewNeeded, confirmed.ReviewReason));
        await FailsWith(StatusCode.FailedPrecondition, "NO_REVIEW_NEEDED", () => CareTeam.ConfirmInvolvementAsync(new ConfirmInvolvementRequest { Id = toReview.Id, Etag = confirmed.Etag }, localWorker.Call).ResponseAsync);
        await FailsWith(StatusCode.Aborted, () => CareTeam.ConfirmInvolvementAsync(new ConfirmInvolvementRequest { Id = toReview.Id, Etag = marked.Etag }, localWorker.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task After_a_move_the_organization_ends_its_part_with_the_move_as_the_reason()
    {
        var team = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var (worker, marked) = await MovedAwayFromWelfareAsync(team, user.Id);

        var ended = (await CareTeam.EndInvolvementAsync(new EndInvolvementRequest { Id = marked.Id, Etag = marked.Etag, Reason = InvolvementEndReason.ServiceUserMoved }, worker)).Involvement;

        Assert.Equal((false, false, InvolvementEndReason.ServiceUserMoved), (ended.Active, ended.ReviewNeeded, ended.EndReason));
        Assert.DoesNotContain(marked.Id, (await ActiveAsync(user.Id, team.Call)).Select(i => i.Id));
    }

    [SkippableFact]
    public async Task An_involvement_for_a_need_shows_only_where_the_needs_domain_is_covered()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var user = (await RegisterAsync(team)).ServiceUser;
        await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);
        var debt = (await Cases.RecordNeedAsync(new RecordNeedRequest { Need = new Need { ServiceUserId = user.Id, LifeDomain = LifeDomain.Debt, Severity = NeedSeverity.High } }, team.Call)).Need;
        var debtHelp = (await CareTeam.AddInvolvementAsync(new AddInvolvementRequest
        {
            Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.Provider, NeedId = debt.Id, Description = "Budget coaching" },
        }, team.Call)).Involvement;

        Assert.Contains(debtHelp.Id, (await ActiveAsync(user.Id, team.Call)).Select(i => i.Id));
        Assert.DoesNotContain(debtHelp.Id, (await ActiveAsync(user.Id, gp.Call)).Select(i => i.Id));

        // A provider without a need would be shown whatever the domain, telling the GP that debts are being handled.
        await InvalidField("involvement.need_id", () => CareTeam.AddInvolvementAsync(new AddInvolvementRequest
        {
            Involvement = new Involvement { ServiceUserId = user.Id, Role = InvolvementRole.Provider, Description = "Budget coaching" },
        }, team.Call).ResponseAsync);
    }

    private async Task<IReadOnlyList<Involvement>> ActiveAsync(string serviceUserId, CallOptions call) =>
        (await CareTeam.ListInvolvementsAsync(new ListInvolvementsRequest { ServiceUserId = serviceUserId }, call)).Involvements;

    // A coordinating team with two service users, whose events one test sends in order and the other newest first, and a
    // citizen cooperative hosting their spanners.
    private async Task<(Practice Team, Practice Cooperative, ServiceUser InOrder, ServiceUser NewestFirst)> TwoServiceUsersOfOneTeamAsync()
    {
        var team = await NewPracticeAsync();
        var cooperative = await NewPracticeAsync(OrganizationKind.CitizenCooperative);
        return (team, cooperative, (await RegisterAsync(team)).ServiceUser, (await RegisterAsync(team)).ServiceUser);
    }

    private async Task<IReadOnlyList<Involvement>> HistoryAsync(string serviceUserId, CallOptions call) =>
        (await CareTeam.ListInvolvementsAsync(new ListInvolvementsRequest { ServiceUserId = serviceUserId, IncludeEnded = true }, call)).Involvements;

    private async Task<NetworkView> ViewAsync(string serviceUserId, CallOptions call) =>
        (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = serviceUserId }, call)).View;

    private async Task<IReadOnlyList<string>> TimelineAsync(string serviceUserId, CallOptions call, TimelineEntryKind kind) =>
        [.. (await ViewAsync(serviceUserId, call)).RecentEvents.Where(e => e.Kind == kind).Select(e => e.Summary)];

    // A spanner of the service user's own (so the users' events do not meet), the constant contact for a month, and the
    // events of its stop as the spanners service publishes them, oldest first: the stop, the end of its assignment, the
    // succession and (unless nobody fitted) the backup's assignment.
    private static (SpannerAssigned First, IMessage[] Stopped) SuccessionOf(string serviceUserId, string organizationId, SuccessionBasis basis, DateTimeOffset stop)
    {
        var first = new SpannerAssigned
        {
            AssignmentId = $"old-{serviceUserId}", SpannerId = $"stopped-{serviceUserId}", SpannerDisplayName = "Yasmina", SpannerOrganizationId = organizationId,
            ServiceUserId = serviceUserId, ConstantContact = true, StartTime = Timestamp.FromDateTimeOffset(stop.AddDays(-30)), Version = 1,
        };
        var succeeded = new SpannerSucceeded { ServiceUserId = serviceUserId, PreviousSpannerId = first.SpannerId, PreviousAssignmentId = first.AssignmentId, Basis = basis, Version = 2 };
        List<IMessage> stopped =
        [
            new SpannerStopped { SpannerId = first.SpannerId, OrganizationId = organizationId, Reason = SpannerStopReason.Overburdened, StopTime = Timestamp.FromDateTimeOffset(stop), Version = 7 },
            new SpannerAssignmentEnded
            {
                AssignmentId = first.AssignmentId, SpannerId = first.SpannerId, ServiceUserId = serviceUserId, ConstantContact = true,
                Reason = AssignmentEndReason.SpannerStopped, EndTime = Timestamp.FromDateTimeOffset(stop), Version = 2,
            },
            succeeded,
        ];
        if (basis != SuccessionBasis.None)
        {
            succeeded.SuccessorSpannerId = $"backup-{serviceUserId}";
            succeeded.NewAssignmentId = $"new-{serviceUserId}";
            stopped.Add(new SpannerAssigned
            {
                AssignmentId = succeeded.NewAssignmentId, SpannerId = succeeded.SuccessorSpannerId, SpannerDisplayName = "Henk", SpannerOrganizationId = organizationId,
                ServiceUserId = serviceUserId, ConstantContact = true, PreviousAssignmentId = first.AssignmentId, StartTime = Timestamp.FromDateTimeOffset(stop.AddMinutes(1)), Version = 1,
            });
        }

        return (first, [.. stopped]);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CareTeamTestsOnSqlite(CasesSqliteFixture fixture) : CareTeamTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class CareTeamTestsOnPostgres(CasesPostgresFixture fixture) : CareTeamTests(fixture);
