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

        // The step-down handed five people over: each one's access log in the cases service shows it.
        foreach (var coordinated in users)
        {
            var stop = await EventuallyAsync(Bound, async () => (await NetworkView.ListAccessLogAsync(new ListAccessLogRequest { ServiceUserId = coordinated.User.Id }, coordinated.Team.Call))
                .Entries.FirstOrDefault(e => e.Method.EndsWith("/StopSpanner", StringComparison.Ordinal)));
            Assert.Equal((supporter.Id, AccessAction.Change, "OK"), (stop.OrganizationId, stop.Action, stop.Outcome));
        }

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
    public async Task A_pausing_spanner_hands_over_to_the_backup_and_keeps_whom_nobody_took_over_once_resumed()
    {
        var supporter = await SupporterAsync();
        void Somali(BoundarySpanner s) => s.Languages.Add("so");
        var backup = await SpannerAsync(supporter, Somali);
        var pausing = await SpannerAsync(supporter, s =>
        {
            Somali(s);
            s.BackupSpannerId = backup.Id;
        });
        var team = await NewPracticeAsync();
        var (first, second) = (await CoordinatedAsync(["so"], team), await CoordinatedAsync(["so"], team));
        await AssignedAsync(first, pausing, supporter);
        var kept = await AssignedAsync(second, pausing, supporter);
        var proposedMeanwhile = await ProposeAsync(await CoordinatedAsync(["so"], team), pausing, constantContact: false);

        var paused = await Spanners.PauseSpannerAsync(new PauseSpannerRequest
        {
            Id = pausing.Id, Etag = (await ReadAsync(pausing, supporter)).Etag, HandoverNote = "Zes weken herstel na een operatie.", RequestId = "pause-handover",
        }, supporter.Call);

        Assert.Equal(SpannerStatus.Paused, paused.Spanner.Status);
        Assert.Equal([SuccessionBasis.Backup, SuccessionBasis.Backup], paused.Successions.Select(s => s.Basis));
        Assert.All(paused.Successions, s => Assert.Equal((backup.Id, "Zes weken herstel na een operatie."), (s.NewAssignment.SpannerId, s.NewAssignment.HandoverNote)));
        var meanwhile = (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { SpannerId = pausing.Id, IncludeEnded = true }, supporter.Call)).Assignments
            .Single(a => a.Id == proposedMeanwhile.Id);
        Assert.Equal((AssignmentStatus.Ended, AssignmentEndReason.SpannerPaused), (meanwhile.Status, meanwhile.EndReason));
        Assert.Equal(pausing.Id, (await ConstantContactAsync(first, pausing.Id)).SpannerId);

        // The first service user agrees to the backup: the paused spanner's assignment ends the moment the backup's starts.
        var firstSuccession = paused.Successions.Single(s => s.ServiceUserId == first.User.Id);
        var started = await AgreeAsync(firstSuccession.NewAssignment, supporter, first);
        Assert.Equal(backup.Id, (await ConstantContactAsync(first, backup.Id)).SpannerId);
        var handedOver = (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = first.User.Id, IncludeEnded = true }, first.Team.Call)).Assignments
            .Single(a => a.Id == firstSuccession.PreviousAssignmentId);
        Assert.Equal((AssignmentEndReason.SpannerPaused, started.StartTime), (handedOver.EndReason, handedOver.EndTime));

        // The spanner is back before the second service user agreed; they decline the backup and stay with the spanner.
        var resumed = (await Spanners.ResumeSpannerAsync(new ResumeSpannerRequest { Id = pausing.Id, Etag = paused.Spanner.Etag }, supporter.Call)).Spanner;
        Assert.Equal(SpannerStatus.Active, resumed.Status);
        var secondSuccession = paused.Successions.Single(s => s.ServiceUserId == second.User.Id);
        await Spanners.EndSpannerAssignmentAsync(new EndSpannerAssignmentRequest
        {
            Id = secondSuccession.NewAssignment.Id, Etag = secondSuccession.NewAssignment.Etag, Reason = AssignmentEndReason.ServiceUserRequest, Note = "Wacht liever op Samira.",
        }, second.Team.Call);
        var stays = (await Spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = second.User.Id }, second.Team.Call)).Assignments.Single();
        Assert.Equal((kept.Id, AssignmentStatus.Active), (stays.Id, stays.Status));
        Assert.Equal(pausing.Id, (await ConstantContactAsync(second, pausing.Id)).SpannerId);
        Assert.Equal(1, (await ReadAsync(pausing, supporter)).ActiveAssignments);
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
