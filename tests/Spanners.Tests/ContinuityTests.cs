using Google.Protobuf.WellKnownTypes;

namespace ReferralNet.Spanners.Tests;

/// <summary>The continuity report, kept from events, over a simulated year on the moved clock.</summary>
public abstract class ContinuityTests(SpannersFixture fixture) : SpannersTest(fixture)
{
    [SkippableFact]
    public async Task Over_a_year_in_which_every_professional_is_replaced_the_spanner_stays_the_constant_contact()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter, s => s.MaxServiceUsers = 5);
        var team = await NewPracticeAsync();
        var users = new List<Coordinated>();
        for (var i = 0; i < 3; i++)
        {
            users.Add(await CoordinatedAsync(team: team));
            await AssignedAsync(users[^1], spanner, supporter);
        }

        await CoordinatedAsync(team: team);
        var from = Clock.Now;

        // Every quarter the coordinator leaves and a new social worker takes the caseload over.
        var successors = new List<Member>();
        for (var quarter = 0; quarter < 4; quarter++)
        {
            successors.Add((await NewMemberAsync(team.Organization, MemberRole.Professional)).Member);
        }

        var coordinator = team.Professional;
        foreach (var successor in successors)
        {
            Clock.Advance(TimeSpan.FromDays(91));
            await CareTeam.HandOverMemberAsync(
                new HandOverMemberRequest { FromMemberId = coordinator.Id, ToMemberId = successor.Id, Note = "Overdracht." }, Now(team.Organization.AdminMember));
            coordinator = successor;
        }

        // The period ends after the last handover: a period is half-open, so a change at its very end belongs to the next.
        Clock.Advance(TimeSpan.FromDays(1));
        var report = await EventuallyAsync(Bound, async () => await ReportAsync(from, Clock.Now, team.Organization.AdminMember) is { ProfessionalChanges: 12 } r ? r : null);

        Assert.Equal(4, report.ServiceUsers);
        Assert.Equal(3, report.ServiceUsersWithContact);
        Assert.Equal(3, report.SameContactThroughout);
        Assert.Equal(1.0, report.SameContactShare);
        Assert.Equal(4.0, report.ProfessionalChangesPerServiceUser);
        Assert.True(report.MedianContactTenure.ToTimeSpan() >= TimeSpan.FromDays(364));
        Assert.Equal(25.0, report.SpannersPerHundredServiceUsers);
        Assert.Equal(0, report.OpenHandovers);
        Assert.Equal(0, report.GapDays);
    }

    [SkippableFact]
    public async Task A_handover_leaves_no_gap_and_a_spanner_without_successor_leaves_one()
    {
        var supporter = await SupporterAsync();
        var backup = await SpannerAsync(supporter);
        var handing = await SpannerAsync(supporter, s => s.BackupSpannerId = backup.Id);
        var lonely = await SpannerAsync(supporter, s => s.Languages.Add("fy"));
        var team = await NewPracticeAsync();
        var handedOver = await CoordinatedAsync(team: team);
        await AssignedAsync(handedOver, handing, supporter);
        var leftAlone = await CoordinatedAsync(["fy"], team);
        await AssignedAsync(leftAlone, lonely, supporter);
        var from = Clock.Now;

        Clock.Advance(TimeSpan.FromDays(30));
        var stopped = await Spanners.StopSpannerAsync(
            new StopSpannerRequest { Id = handing.Id, Etag = (await Spanners.GetSpannerAsync(new GetSpannerRequest { Id = handing.Id }, Now(supporter.Professional))).Spanner.Etag, Reason = SpannerStopReason.OwnChoice },
            Now(supporter.Professional));
        await Spanners.StopSpannerAsync(
            new StopSpannerRequest { Id = lonely.Id, Etag = (await Spanners.GetSpannerAsync(new GetSpannerRequest { Id = lonely.Id }, Now(supporter.Professional))).Spanner.Etag, Reason = SpannerStopReason.MovedAway },
            Now(supporter.Professional));
        Clock.Advance(TimeSpan.FromDays(10));
        var waiting = await EventuallyAsync(Bound, async () => await ReportAsync(from, Clock.Now, team.Professional) is { OpenHandovers: 1, GapDays: 10 } r ? r : null);
        Assert.Equal(10, waiting.GapDays);
        Assert.Equal(1, waiting.ServiceUsersWithGap);

        var proposal = Assert.Single(stopped.Successions).NewAssignment;
        var agreed = (await Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = proposal.Id, Etag = proposal.Etag, Party = AssignmentParty.Spanner }, Now(supporter.Professional))).Assignment;
        await Spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = agreed.Id, Etag = agreed.Etag, Party = AssignmentParty.ServiceUser }, Now(team.Professional));
        Clock.Advance(TimeSpan.FromDays(20));

        var report = await EventuallyAsync(Bound, async () => await ReportAsync(from, Clock.Now, team.Professional) is { OpenHandovers: 0, SpannersPerHundredServiceUsers: 150, GapDays: 30 } r ? r : null);
        Assert.Equal(2, report.ServiceUsers);
        Assert.Equal(2, report.ServiceUsersWithContact);
        Assert.Equal(0, report.SameContactThroughout);
        Assert.Equal(30, report.GapDays);
        Assert.Equal(1, report.ServiceUsersWithGap);

        // The backup's 20 days and the stopped spanner's 30 up to its stop.
        Assert.Equal(25, (int)Math.Round(report.MedianContactTenure.ToTimeSpan().TotalDays));
    }

    [SkippableFact]
    public async Task A_period_must_be_forward_and_bounded()
    {
        var practice = await NewPracticeAsync();
        var now = Timestamp.FromDateTimeOffset(Clock.Now);

        await InvalidField("end_time", () => Spanners.GetContinuityReportAsync(
            new GetContinuityReportRequest { Neighbourhood = Neighbourhood, StartTime = now, EndTime = now }, practice.Call).ResponseAsync);
        await InvalidField("end_time", () => Spanners.GetContinuityReportAsync(
            new GetContinuityReportRequest { Neighbourhood = Neighbourhood, StartTime = new Timestamp { Seconds = 1 }, EndTime = new Timestamp { Seconds = 253_402_300_799 } }, practice.Call).ResponseAsync);
        await InvalidField("neighbourhood", () => Spanners.GetContinuityReportAsync(
            new GetContinuityReportRequest { Neighbourhood = "Den Haag!", StartTime = now, EndTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(1)) }, practice.Call).ResponseAsync);
        var empty = (await Spanners.GetContinuityReportAsync(
            new GetContinuityReportRequest { Neighbourhood = Neighbourhood, StartTime = now, EndTime = Timestamp.FromDateTimeOffset(Clock.Now.AddDays(1)) }, practice.Call)).Report;
        Assert.Equal(0, empty.ServiceUsers);
        Assert.Equal(0, empty.SameContactShare);
    }

    private async Task<ContinuityReport?> ReportAsync(DateTimeOffset from, DateTimeOffset to, Member member) =>
        (await Spanners.GetContinuityReportAsync(
            new GetContinuityReportRequest { Neighbourhood = Neighbourhood, StartTime = Timestamp.FromDateTimeOffset(from), EndTime = Timestamp.FromDateTimeOffset(to) }, Now(member))).Report;
}

[Collection(SqliteCollection.Name)]
public sealed class ContinuityTestsOnSqlite(SpannersSqliteFixture fixture) : ContinuityTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ContinuityTestsOnPostgres(SpannersPostgresFixture fixture) : ContinuityTests(fixture);
