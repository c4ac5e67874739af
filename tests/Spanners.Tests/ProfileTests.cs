using Google.Protobuf.WellKnownTypes;

namespace ReferralNet.Spanners.Tests;

/// <summary>Profiles, burden and who sees what of a spanner.</summary>
public abstract class ProfileTests(SpannersFixture fixture) : SpannersTest(fixture)
{
    [SkippableFact]
    public async Task A_registered_spanner_is_read_network_wide_but_its_phone_and_burden_only_where_it_works()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter);
        var stranger = await NewPracticeAsync(OrganizationKind.HousingCorporation);

        Assert.Equal(SpannerStatus.Active, spanner.Status);
        Assert.Equal(supporter.Id, spanner.OrganizationId);
        Assert.True(spanner.ConductCertificateValid);
        var seen = (await Spanners.GetSpannerAsync(new GetSpannerRequest { Id = spanner.Id }, stranger.Call)).Spanner;
        Assert.Equal(spanner.DisplayName, seen.DisplayName);
        Assert.Equal("", seen.Phone);
        Assert.Null(seen.LastCheckInTime);
        Assert.Equal("+31 6 1234 5678", (await ReadAsync(spanner, supporter)).Phone);

        // Once the coordinator works with the spanner, it may call them.
        var coordinated = await CoordinatedAsync();
        await ProposeAsync(coordinated, spanner);
        Assert.Equal("+31 6 1234 5678", (await Spanners.GetSpannerAsync(new GetSpannerRequest { Id = spanner.Id }, coordinated.Team.Call)).Spanner.Phone);

        var listed = (await Spanners.ListSpannersAsync(new ListSpannersRequest { Neighbourhood = Neighbourhood, Language = "ar", LifeDomain = LifeDomain.Debt }, stranger.Call)).Spanners;
        Assert.Equal([spanner.Id], listed.Select(s => s.Id));
        Assert.Empty((await Spanners.ListSpannersAsync(new ListSpannersRequest { Neighbourhood = Neighbourhood, Language = "pl" }, stranger.Call)).Spanners);
        Assert.Equal(1, listed[0].ActiveAssignments);
        var changed = Assert.Single(await OutboxAsync<SpannerChanged>(spanner.Id));
        Assert.Equal(spanner.DisplayName, changed.DisplayName);
    }

    [SkippableFact]
    public async Task Another_organization_cannot_change_a_spanner_or_read_its_check_ins()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter);
        var other = await SupporterAsync(OrganizationKind.FaithCommunity);

        await FailsWith(StatusCode.PermissionDenied, "NOT_SPANNER_ORGANIZATION", () => Spanners.UpdateSpannerAsync(
            new UpdateSpannerRequest { Spanner = new BoundarySpanner { Id = spanner.Id, Etag = spanner.Etag, HoursPerWeek = 40 } }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, "NOT_SPANNER_ORGANIZATION", () => Spanners.ListBurdenCheckInsAsync(new ListBurdenCheckInsRequest { SpannerId = spanner.Id }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, "NOT_SPANNER_ORGANIZATION", () => Spanners.RecordBurdenCheckInAsync(new RecordBurdenCheckInRequest { SpannerId = spanner.Id, Score = 2 }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, "NOT_SPANNER_ORGANIZATION", () => Spanners.StopSpannerAsync(
            new StopSpannerRequest { Id = spanner.Id, Etag = spanner.Etag, Reason = SpannerStopReason.OwnChoice }, other.Call).ResponseAsync);
        Assert.Equal(6, (await ReadAsync(spanner, supporter)).HoursPerWeek);
    }

    [SkippableFact]
    public async Task An_update_changes_only_what_it_sends_and_a_stale_etag_is_aborted()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter);

        // The status is output only: an update that sends one changes the profile and leaves the status alone.
        var changed = (await Spanners.UpdateSpannerAsync(new UpdateSpannerRequest
        {
            Spanner = new BoundarySpanner { Id = spanner.Id, Etag = spanner.Etag, HoursPerWeek = 2, Status = SpannerStatus.Paused },
        }, supporter.Call)).Spanner;
        Assert.Equal((2, SpannerStatus.Active), (changed.HoursPerWeek, changed.Status));
        Assert.Equal(spanner.Languages, changed.Languages);
        await FailsWith(StatusCode.Aborted, () => Spanners.UpdateSpannerAsync(
            new UpdateSpannerRequest { Spanner = new BoundarySpanner { Id = spanner.Id, Etag = spanner.Etag, HoursPerWeek = 3 } }, supporter.Call).ResponseAsync);
        await InvalidField("update_mask", () => Spanners.UpdateSpannerAsync(new UpdateSpannerRequest
        {
            Spanner = new BoundarySpanner { Id = spanner.Id, Etag = changed.Etag, Status = SpannerStatus.Stopped }, UpdateMask = new FieldMask { Paths = { "status" } },
        }, supporter.Call).ResponseAsync);
        await InvalidField("spanner.languages[0]", () => Spanners.UpdateSpannerAsync(
            new UpdateSpannerRequest { Spanner = new BoundarySpanner { Id = spanner.Id, Etag = changed.Etag, Languages = { "Arabic" } } }, supporter.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "BACKUP_IS_SELF", () => Spanners.UpdateSpannerAsync(
            new UpdateSpannerRequest { Spanner = new BoundarySpanner { Id = spanner.Id, Etag = changed.Etag, BackupSpannerId = spanner.Id } }, supporter.Call).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_spanner_pauses_and_resumes_once_each_and_only_by_its_organization()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter);
        var other = await SupporterAsync();

        await FailsWith(StatusCode.PermissionDenied, "NOT_SPANNER_ORGANIZATION", () => Spanners.PauseSpannerAsync(new PauseSpannerRequest { Id = spanner.Id, Etag = spanner.Etag }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "SPANNER_NOT_PAUSED", () => Spanners.ResumeSpannerAsync(new ResumeSpannerRequest { Id = spanner.Id, Etag = spanner.Etag }, supporter.Call).ResponseAsync);
        var paused = await Spanners.PauseSpannerAsync(new PauseSpannerRequest { Id = spanner.Id, Etag = spanner.Etag, RequestId = "pause-1" }, supporter.Call);
        Assert.Equal(SpannerStatus.Paused, paused.Spanner.Status);
        Assert.Empty(paused.Successions);
        Assert.Equal(paused, await Spanners.PauseSpannerAsync(new PauseSpannerRequest { Id = spanner.Id, Etag = spanner.Etag, RequestId = "pause-1" }, supporter.Call));
        await FailsWith(StatusCode.FailedPrecondition, "SPANNER_PAUSED", () => Spanners.PauseSpannerAsync(new PauseSpannerRequest { Id = spanner.Id, Etag = paused.Spanner.Etag }, supporter.Call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, "NOT_SPANNER_ORGANIZATION", () => Spanners.ResumeSpannerAsync(new ResumeSpannerRequest { Id = spanner.Id, Etag = paused.Spanner.Etag }, other.Call).ResponseAsync);
        await FailsWith(StatusCode.Aborted, () => Spanners.ResumeSpannerAsync(new ResumeSpannerRequest { Id = spanner.Id, Etag = spanner.Etag }, supporter.Call).ResponseAsync);

        var resumed = (await Spanners.ResumeSpannerAsync(new ResumeSpannerRequest { Id = spanner.Id, Etag = paused.Spanner.Etag }, supporter.Call)).Spanner;
        Assert.Equal(SpannerStatus.Active, resumed.Status);
        Assert.Equal([SpannerStatus.Active, SpannerStatus.Paused, SpannerStatus.Active], (await OutboxAsync<SpannerChanged>(spanner.Id)).Select(c => c.Status));
    }

    [SkippableFact]
    public async Task Twenty_concurrent_updates_with_one_etag_give_one_success()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter);

        var outcomes = await RaceAsync(20, i => Spanners.UpdateSpannerAsync(
            new UpdateSpannerRequest { Spanner = new BoundarySpanner { Id = spanner.Id, Etag = spanner.Etag, HoursPerWeek = 10 + i } }, supporter.Call).ResponseAsync);

        var winner = Assert.Single(outcomes, o => o.Error is null);
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.Equal(StatusCode.Aborted, o.Error!.StatusCode));
        Assert.Equal(winner.Result!.Spanner.HoursPerWeek, (await ReadAsync(spanner, supporter)).HoursPerWeek);
        await SpannerAsync(supporter);
    }

    [SkippableFact]
    public async Task A_heavy_check_in_flags_the_spanner_and_an_overdue_or_lonely_one_is_at_risk()
    {
        var supporter = await SupporterAsync();
        var spanner = await SpannerAsync(supporter, s => s.MaxServiceUsers = 1);
        var backup = await SpannerAsync(supporter);
        spanner = (await Spanners.UpdateSpannerAsync(new UpdateSpannerRequest { Spanner = new BoundarySpanner { Id = spanner.Id, Etag = spanner.Etag, BackupSpannerId = backup.Id } }, supporter.Call)).Spanner;

        var light = await Spanners.RecordBurdenCheckInAsync(new RecordBurdenCheckInRequest { SpannerId = spanner.Id, Score = 3, Note = "Gaat goed." }, supporter.Call);
        Assert.False(light.Spanner.BurdenFlagged);
        var heavy = await Spanners.RecordBurdenCheckInAsync(new RecordBurdenCheckInRequest { SpannerId = spanner.Id, Score = 9, Note = "Te veel tegelijk.", RequestId = "check-in-1" }, supporter.Call);
        Assert.True(heavy.CheckIn.Flagged);
        Assert.True(heavy.Spanner.BurdenFlagged);
        Assert.Equal(9, heavy.Spanner.LatestBurdenScore);
        var replay = await Spanners.RecordBurdenCheckInAsync(new RecordBurdenCheckInRequest { SpannerId = spanner.Id, Score = 9, Note = "Te veel tegelijk.", RequestId = "check-in-1" }, supporter.Call);
        Assert.Equal(heavy.CheckIn.Id, replay.CheckIn.Id);
        Assert.Equal(2, (await Spanners.ListBurdenCheckInsAsync(new ListBurdenCheckInsRequest { SpannerId = spanner.Id }, supporter.Call)).CheckIns.Count);
        var flagged = Assert.Single(await OutboxAsync<BurdenFlagged>(spanner.Id));
        Assert.Equal(backup.Id, flagged.BackupSpannerId);

        var atRisk = (await Spanners.ListSpannersAtRiskAsync(new ListSpannersAtRiskRequest { Neighbourhood = Neighbourhood }, supporter.Call)).Spanners;
        var risks = Assert.Single(atRisk, s => s.Spanner.Id == spanner.Id).Risks;
        Assert.Equal([SpannerRisk.HighBurden], risks);
        Assert.Equal([SpannerRisk.NoBackup], Assert.Single(atRisk, s => s.Spanner.Id == backup.Id).Risks);

        // A period without a check-in makes every spanner of the organization overdue; another organization sees none of it.
        Clock.Advance(SpannersFixture.CheckInPeriod + TimeSpan.FromMinutes(1));
        var later = (await Spanners.ListSpannersAtRiskAsync(new ListSpannersAtRiskRequest { Neighbourhood = Neighbourhood }, Now(supporter.Professional))).Spanners;
        Assert.Contains(SpannerRisk.CheckInOverdue, Assert.Single(later, s => s.Spanner.Id == spanner.Id).Risks);
        Assert.True(Assert.Single(later, s => s.Spanner.Id == backup.Id).Spanner.CheckInOverdue);
        var stranger = await SupporterAsync();
        Assert.Empty((await Spanners.ListSpannersAtRiskAsync(new ListSpannersAtRiskRequest { Neighbourhood = Neighbourhood }, stranger.Call)).Spanners);
    }

    [SkippableFact]
    public async Task A_linking_pin_professional_is_an_active_member_of_the_organization_and_needs_no_certificate()
    {
        var supporter = await SupporterAsync();
        var other = await NewPracticeAsync();

        await FailsWith(StatusCode.FailedPrecondition, "MEMBER_NOT_ELIGIBLE", () => SpannerAsync(supporter, s =>
        {
            s.Kind = SpannerKind.LinkingPinProfessional;
            s.MemberId = other.Professional.Id;
        }));
        await InvalidField("spanner.member_id", () => SpannerAsync(supporter, s => s.Kind = SpannerKind.LinkingPinProfessional));
        var pin = await SpannerAsync(supporter, s =>
        {
            s.Kind = SpannerKind.LinkingPinProfessional;
            s.MemberId = supporter.Professional.Id;
            s.ConductCertificateDate = null;
        });
        Assert.True(pin.ConductCertificateValid);
        Assert.False((await SpannerAsync(supporter, s => s.ConductCertificateDate = null)).ConductCertificateValid);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProfileTestsOnSqlite(SpannersSqliteFixture fixture) : ProfileTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ProfileTestsOnPostgres(SpannersPostgresFixture fixture) : ProfileTests(fixture);
