namespace ReferralNet.Spanners.Tests;

/// <summary>Assignments: proposed by the coordinating organization, started by both agreements, shown in the network view.</summary>
public abstract class AssignmentTests(SpannersFixture fixture) : SpannersTest(fixture)
{
    [SkippableFact]
    public async Task An_assignment_starts_when_spanner_and_service_user_agree_and_the_network_view_shows_the_constant_contact()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter);
        var coordinated = await CoordinatedAsync();

        var proposed = await ProposeAsync(coordinated, spanner, requestId: "assign-1");
        Assert.Equal(AssignmentStatus.Proposed, proposed.Status);
        Assert.Null(proposed.StartTime);
        Assert.Equal(coordinated.Case.Id, proposed.CaseId);
        Assert.Equal(proposed.Id, (await ProposeAsync(coordinated, spanner, requestId: "assign-1")).Id);
        await FailsWith(StatusCode.AlreadyExists, "ALREADY_ASSIGNED", () => ProposeAsync(coordinated, spanner, constantContact: false));

        // The coordinator cannot agree for the spanner, nor the spanner's organization for the service user.
        await FailsWith(StatusCode.PermissionDenied, "NOT_SPANNER_ORGANIZATION", () => Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Party = AssignmentParty.Spanner }, coordinated.Team.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Party = AssignmentParty.ServiceUser }, supporter.Call).ResponseAsync);
        var halfway = (await Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Party = AssignmentParty.Spanner }, supporter.Call)).Assignment;
        Assert.Equal(AssignmentStatus.Proposed, halfway.Status);
        Assert.NotNull(halfway.SpannerAgreeTime);
        await FailsWith(StatusCode.Aborted, () => Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Party = AssignmentParty.ServiceUser }, coordinated.Team.Call).ResponseAsync);
        Assert.Empty(await OutboxAsync<SpannerAssigned>(proposed.Id));

        var active = (await Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = halfway.Id, Etag = halfway.Etag, Party = AssignmentParty.ServiceUser }, coordinated.Team.Call)).Assignment;
        Assert.Equal(AssignmentStatus.Active, active.Status);
        Assert.True(active.Active);
        Assert.NotNull(active.StartTime);
        var assigned = Assert.Single(await OutboxAsync<SpannerAssigned>(active.Id));
        Assert.True(assigned.ConstantContact);
        Assert.Equal(spanner.DisplayName, assigned.SpannerDisplayName);

        var view = await EventuallyAsync(Bound, async () =>
            (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).View is { ConstantContact: not null } v ? v : null);
        Assert.Equal(spanner.Id, view.ConstantContact.SpannerId);
        Assert.Equal(active.Id, view.ConstantContact.AssignmentId);

        var listed = (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).Assignments;
        Assert.Equal([active.Id], listed.Select(a => a.Id));
        Assert.Equal([active.Id], (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { SpannerId = spanner.Id }, supporter.Call)).Assignments.Select(a => a.Id));
    }

    [SkippableFact]
    public async Task Organization_B_cannot_assign_spanners_to_organization_As_case_nor_see_its_assignments()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter);
        var coordinated = await CoordinatedAsync();
        var other = await NewPracticeAsync();
        var request = new AssignSpannerRequest { Assignment = new SpannerAssignment { SpannerId = spanner.Id, ServiceUserId = coordinated.User.Id } };

        await FailsWith(StatusCode.NotFound, () => Spanners.AssignSpannerAsync(request, other.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = coordinated.User.Id }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { SpannerId = spanner.Id }, other.Call).ResponseAsync);

        // A coordination consent of its own does not make B the case's coordinator.
        await GrantAsync(coordinated.Team, coordinated.User.Id, other, ConsentPurpose.Coordination, [LifeDomain.Debt]);
        await FailsWith(StatusCode.PermissionDenied, "NOT_COORDINATOR", () => Spanners.AssignSpannerAsync(request, other.Call).ResponseAsync);
        var proposed = await ProposeAsync(coordinated, spanner);
        await FailsWith(StatusCode.NotFound, () => Spanners.EndSpannerAssignmentAsync(
            new EndSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Reason = AssignmentEndReason.Completed }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Party = AssignmentParty.ServiceUser }, other.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_revoked_consent_stops_the_coordinators_next_call_and_ending_frees_the_place()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter, s => s.MaxServiceUsers = 1);
        var coordinated = await CoordinatedAsync();
        var active = await AssignedAsync(coordinated, spanner, supporter);
        Assert.Equal(1, (await ReadAsync(spanner, supporter)).ActiveAssignments);

        await FailsWith(StatusCode.InvalidArgument, () => Spanners.EndSpannerAssignmentAsync(
            new EndSpannerAssignmentRequest { Id = active.Id, Etag = active.Etag, Reason = AssignmentEndReason.SpannerStopped }, coordinated.Team.Call).ResponseAsync);
        var ended = (await Spanners.EndSpannerAssignmentAsync(
            new EndSpannerAssignmentRequest { Id = active.Id, Etag = active.Etag, Reason = AssignmentEndReason.SpannerRequest, Note = "Verhuist.", RequestId = "end-1" }, supporter.Call)).Assignment;
        Assert.Equal(AssignmentStatus.Ended, ended.Status);
        Assert.Equal(ended.Etag, (await Spanners.EndSpannerAssignmentAsync(
            new EndSpannerAssignmentRequest { Id = active.Id, Etag = active.Etag, Reason = AssignmentEndReason.SpannerRequest, Note = "Verhuist.", RequestId = "end-1" }, supporter.Call)).Assignment.Etag);
        Assert.Equal(0, (await ReadAsync(spanner, supporter)).ActiveAssignments);
        Assert.Equal(AssignmentEndReason.SpannerRequest, Assert.Single(await OutboxAsync<SpannerAssignmentEnded>(active.Id)).Reason);

        var consents = (await Consents.ListConsentsAsync(new ListConsentsRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).Consents;
        var coordination = Assert.Single(consents, c => c.Purpose == ConsentPurpose.Coordination);
        await Consents.RevokeConsentAsync(new RevokeConsentRequest { Id = coordination.Id, Etag = coordination.Etag, Reason = "Wil geen hulp meer." }, coordinated.Team.Call);
        await FailsWith(StatusCode.NotFound, () => ProposeAsync(coordinated, spanner));
        await FailsWith(StatusCode.NotFound, () => Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task Twenty_agreements_or_ends_with_one_etag_give_one_success_and_the_service_answers_after()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter);
        var coordinated = await CoordinatedAsync();
        var proposed = await ProposeAsync(coordinated, spanner);

        var outcomes = await RaceAsync(20, async i => i % 2 == 0
            ? (await Spanners.ConfirmSpannerAssignmentAsync(new ConfirmSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Party = AssignmentParty.Spanner }, supporter.Call)).Assignment
            : (await Spanners.EndSpannerAssignmentAsync(new EndSpannerAssignmentRequest { Id = proposed.Id, Etag = proposed.Etag, Reason = AssignmentEndReason.SpannerRequest }, supporter.Call)).Assignment);

        Assert.Single(outcomes, o => o.Error is null);
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.Equal(StatusCode.Aborted, o.Error!.StatusCode));
        var listed = (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { SpannerId = spanner.Id, IncludeEnded = true }, supporter.Call)).Assignments;
        Assert.Equal(long.Parse(proposed.Etag) + 1, long.Parse(Assert.Single(listed).Etag));
        Assert.NotNull(await SpannerAsync(supporter));
    }

    [SkippableFact]
    public async Task Racing_proposals_for_the_last_place_give_one_assignment()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter, s => s.MaxServiceUsers = 1);
        var team = await NewPracticeAsync();
        var users = new List<Coordinated>();
        for (var i = 0; i < 6; i++)
        {
            users.Add(await CoordinatedAsync(team: team));
        }

        var outcomes = await RaceAsync(users.Count, i => ProposeAsync(users[i], spanner));

        Assert.Single(outcomes, o => o.Error is null);
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.Equal("SPANNER_FULL", Reason(o.Error!)));
        Assert.Equal(1, (await ReadAsync(spanner, supporter)).ActiveAssignments);
    }

    [SkippableFact]
    public async Task A_merge_of_two_records_leaves_one_constant_contact_and_moves_the_rest_to_the_record_kept()
    {
        var supporter = await SupporterAsync();
        var team = await NewPracticeAsync();
        var (kept, duplicate) = (await CoordinatedAsync(team: team), await CoordinatedAsync(team: team));
        var (keptContact, duplicateContact, support) = (await SpannerAsync(supporter), await SpannerAsync(supporter), await SpannerAsync(supporter));
        var keptAssignment = await AssignedAsync(kept, keptContact, supporter);
        var duplicateAssignment = await AssignedAsync(duplicate, duplicateContact, supporter);
        var supportAssignment = await AssignedAsync(duplicate, support, supporter, constantContact: false);

        await PublishAsync(new ServiceUsersMerged { ServiceUserId = kept.User.Id, MergedServiceUserId = duplicate.User.Id, Version = 9 });

        var assignments = (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = kept.User.Id, IncludeEnded = true }, team.Call)).Assignments;
        Assert.Equal(
            new[] { (keptAssignment.Id, AssignmentStatus.Active), (duplicateAssignment.Id, AssignmentStatus.Ended), (supportAssignment.Id, AssignmentStatus.Active) }.OrderBy(a => a.Item1),
            assignments.Select(a => (a.Id, a.Status)).OrderBy(a => a.Item1));
        Assert.Single(assignments, a => a.ConstantContact && a.Status == AssignmentStatus.Active);
        Assert.Equal(AssignmentEndReason.Other, assignments.Single(a => a.Id == duplicateAssignment.Id).EndReason);
        Assert.Equal(kept.User.Id, Assert.Single(await OutboxAsync<SpannerAssignmentEnded>(duplicateAssignment.Id)).ServiceUserId);
        Assert.Equal(0, (await ReadAsync(duplicateContact, supporter)).ActiveAssignments);

        // A replayed merge changes nothing more.
        await PublishAsync(new ServiceUsersMerged { ServiceUserId = kept.User.Id, MergedServiceUserId = duplicate.User.Id, Version = 9 });
        Assert.Single(await OutboxAsync<SpannerAssignmentEnded>(duplicateAssignment.Id));
    }

    [SkippableFact]
    public async Task Matching_and_assigning_reach_the_service_users_access_log_in_the_cases_service()
    {
        var supporter = await SupporterAsync();
        var coordinated = await CoordinatedAsync();
        var spanner = await SpannerAsync(supporter);
        await Spanners.MatchSpannersAsync(new MatchSpannersRequest { ServiceUserId = coordinated.User.Id, NeedId = coordinated.Need.Id }, coordinated.Team.Call);
        await AssignedAsync(coordinated, spanner, supporter);

        var log = await EventuallyAsync(Bound, async () =>
            (await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).Entries
                .Where(e => e.Method.StartsWith("/referralnet.v1.SpannersService/", StringComparison.Ordinal)).ToList() is { Count: >= 4 } entries ? entries : null);
        Assert.Equal(
            ["MatchSpanners", "AssignSpanner", "ConfirmSpannerAssignment", "ConfirmSpannerAssignment"],
            log.OrderBy(e => e.AccessTime).ThenBy(e => e.Method == "/referralnet.v1.SpannersService/MatchSpanners" ? 0 : e.Method.EndsWith("AssignSpanner", StringComparison.Ordinal) ? 1 : 2)
                .Select(e => e.Method.Split('/')[^1]));
        Assert.All(log, e => Assert.Equal("OK", e.Outcome));
        Assert.Contains(log, e => e.OrganizationId == supporter.Id && e.Action == AccessAction.Change);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AssignmentTestsOnSqlite(SpannersSqliteFixture fixture) : AssignmentTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class AssignmentTestsOnPostgres(SpannersPostgresFixture fixture) : AssignmentTests(fixture);
