namespace ReferralNet.Spanners.Tests;

/// <summary>A spanner who stops hands every service user over, without a day in which anyone has no constant contact.</summary>
public abstract class SuccessionTests(SpannersFixture fixture) : SpannersTest(fixture)
{
    [SkippableFact]
    public async Task A_stopping_spanners_five_service_users_move_to_the_backup_and_once_it_is_full_to_the_best_matches_without_a_gap()
    {
        var supporter = await SupporterAsync();
        void Polish(BoundarySpanner s) => s.Languages.Add("pl");
        var backup = await SpannerAsync(supporter, Polish);
        var stopping = await SpannerAsync(supporter, s =>
        {
            Polish(s);
            s.MaxServiceUsers = 5;
            s.BackupSpannerId = backup.Id;
        });
        var others = new[] { await SpannerAsync(supporter, Polish), await SpannerAsync(supporter, Polish) };
        var team = await NewPracticeAsync();
        var users = new List<Coordinated>();
        var assignments = new List<SpannerAssignment>();
        for (var i = 0; i < 5; i++)
        {
            var coordinated = await CoordinatedAsync(["pl", "nl"], team);
            users.Add(coordinated);
            assignments.Add(await AssignedAsync(coordinated, stopping, supporter));
        }

        foreach (var coordinated in users)
        {
            Assert.Equal(stopping.Id, (await ConstantContactAsync(coordinated, stopping.Id)).SpannerId);
        }

        stopping = await ReadAsync(stopping, supporter);
        var stopped = await Spanners.StopSpannerAsync(new StopSpannerRequest
        {
            Id = stopping.Id, Etag = stopping.Etag, Reason = SpannerStopReason.MovedAway, HandoverNote = "Samira verhuist naar Utrecht.", RequestId = "stop-1",
        }, supporter.Call);

        Assert.Equal(SpannerStatus.Stopped, stopped.Spanner.Status);
        Assert.Equal(SpannerStopReason.MovedAway, stopped.Spanner.StopReason);
        Assert.Equal(5, stopped.Successions.Count);
        Assert.Equal([SuccessionBasis.Backup, SuccessionBasis.Backup, SuccessionBasis.Backup, SuccessionBasis.BestMatch, SuccessionBasis.BestMatch],
            stopped.Successions.Select(s => s.Basis));
        Assert.All(stopped.Successions.Take(3), s => Assert.Equal(backup.Id, s.NewAssignment.SpannerId));
        Assert.All(stopped.Successions.Skip(3), s => Assert.Contains(s.NewAssignment.SpannerId, others.Select(o => o.Id)));
        Assert.All(stopped.Successions, s =>
        {
            Assert.Equal(AssignmentStatus.Proposed, s.NewAssignment.Status);
            Assert.Equal("Samira verhuist naar Utrecht.", s.NewAssignment.HandoverNote);
            Assert.Equal(s.PreviousAssignmentId, s.NewAssignment.PreviousAssignmentId);
        });
        Assert.Equal(stopped.Spanner.Etag, (await Spanners.StopSpannerAsync(new StopSpannerRequest
        {
            Id = stopping.Id, Etag = stopping.Etag, Reason = SpannerStopReason.MovedAway, HandoverNote = "Samira verhuist naar Utrecht.", RequestId = "stop-1",
        }, supporter.Call)).Spanner.Etag);
        Assert.Single(await OutboxAsync<SpannerStopped>(stopping.Id));

        // Until a successor is agreed to, the stopped spanner stays everyone's constant contact.
        foreach (var coordinated in users)
        {
            var listed = (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).Assignments;
            Assert.Contains(listed, a => a.SpannerId == stopping.Id && a.Status == AssignmentStatus.Active);
            Assert.Equal(stopping.Id, (await ConstantContactAsync(coordinated, stopping.Id)).SpannerId);
        }

        foreach (var (succession, coordinated) in stopped.Successions.Zip(users))
        {
            Assert.Equal(coordinated.User.Id, succession.ServiceUserId);
            var successor = succession.Basis == SuccessionBasis.Backup ? backup : others.Single(o => o.Id == succession.NewAssignment.SpannerId);
            var started = await AgreeAsync(succession.NewAssignment, supporter, coordinated);
            Assert.Equal(AssignmentStatus.Active, started.Status);
            Assert.Equal(successor.Id, (await ConstantContactAsync(coordinated, successor.Id)).SpannerId);
            var history = (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = coordinated.User.Id, IncludeEnded = true }, coordinated.Team.Call)).Assignments;
            var previous = Assert.Single(history, a => a.Id == succession.PreviousAssignmentId);
            Assert.Equal(AssignmentEndReason.SpannerStopped, previous.EndReason);
            Assert.Equal(started.StartTime, previous.EndTime);
        }

        Assert.Equal(3, (await ReadAsync(backup, supporter)).ActiveAssignments);
    }

    [SkippableFact]
    public async Task When_nobody_fits_the_assignment_ends_and_the_coordinator_is_told()
    {
        var supporter = await SupporterAsync();
        var stopping = await SpannerAsync(supporter, s => s.Languages.Add("ber"));
        var coordinated = await CoordinatedAsync(["ber"]);
        var active = await AssignedAsync(coordinated, stopping, supporter);

        var stopped = await Spanners.StopSpannerAsync(new StopSpannerRequest { Id = stopping.Id, Etag = (await ReadAsync(stopping, supporter)).Etag, Reason = SpannerStopReason.Overburdened }, supporter.Call);

        var succession = Assert.Single(stopped.Successions);
        Assert.Equal(SuccessionBasis.None, succession.Basis);
        Assert.Null(succession.NewAssignment);
        Assert.Equal(SuccessionBasis.None, Assert.Single(await OutboxAsync<SpannerSucceeded>(coordinated.User.Id)).Basis);
        var ended = Assert.Single((await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = coordinated.User.Id, IncludeEnded = true }, coordinated.Team.Call)).Assignments);
        Assert.Equal(active.Id, ended.Id);
        Assert.Equal(AssignmentStatus.Ended, ended.Status);
        await EventuallyAsync(Bound, async () =>
            (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).View is { ConstantContact: null } v ? v : null);
        await FailsWith(StatusCode.FailedPrecondition, "SPANNER_STOPPED", () => Spanners.RecordBurdenCheckInAsync(new RecordBurdenCheckInRequest { SpannerId = stopping.Id, Score = 2 }, supporter.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_named_successor_must_have_room_for_everyone()
    {
        var supporter = await SupporterAsync();
        var stopping = await SpannerAsync(supporter);
        var small = await SpannerAsync(supporter, s => s.MaxServiceUsers = 1);
        var team = await NewPracticeAsync();
        await AssignedAsync(await CoordinatedAsync(team: team), stopping, supporter);
        await AssignedAsync(await CoordinatedAsync(team: team), stopping, supporter);
        var etag = (await ReadAsync(stopping, supporter)).Etag;

        await FailsWith(StatusCode.FailedPrecondition, "SPANNER_FULL", () => Spanners.StopSpannerAsync(
            new StopSpannerRequest { Id = stopping.Id, Etag = etag, Reason = SpannerStopReason.OwnChoice, SuccessorSpannerId = small.Id }, supporter.Call).ResponseAsync);
        Assert.Equal(SpannerStatus.Active, (await ReadAsync(stopping, supporter)).Status);
    }

    // The service user's constant contact in the network view, once the cases service shows the one expected.
    private Task<ConstantContact> ConstantContactAsync(Coordinated coordinated, string spannerId) =>
        EventuallyAsync(Bound, async () =>
            (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call)).View.ConstantContact is { } contact
            && contact.SpannerId == spannerId ? contact : null);
}

[Collection(SqliteCollection.Name)]
public sealed class SuccessionTestsOnSqlite(SpannersSqliteFixture fixture) : SuccessionTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class SuccessionTestsOnPostgres(SpannersPostgresFixture fixture) : SuccessionTests(fixture);
