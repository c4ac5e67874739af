using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals.Data;
using ReferralNet.Server;
using DomainStatus = ReferralNet.Referrals.Domain.ReferralStatus;

namespace ReferralNet.Referrals.Tests;

/// <summary>The embedded host with demo data and its demo referrals, as <c>dotnet run</c> starts it.</summary>
public sealed class DemoReferralsFixture() : ReferralNetFixture(DatabaseProvider.Sqlite, seedDemoData: true)
{
    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration => [new("ReferralNet:SeedDemoReferrals", "true")];
}

/// <summary>What a newcomer's inbox and at-risk list hold right after <c>dotnet run</c>.</summary>
public sealed class DemoReferralsTests(DemoReferralsFixture fixture) : HostTest(fixture), IClassFixture<DemoReferralsFixture>
{
    // Seeding runs a few dozen calls after start on a machine the other tests share; the bound only stops a hung run.
    private static readonly TimeSpan SeedingBound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_demo_has_chains_in_every_state_but_expired_one_need_at_risk_and_a_restart_seeds_nothing_more()
    {
        Assert.Equal(DemoReferralsOutcome.Seeded, await Fixture.Services.GetRequiredService<DemoReferrals>().Completion.WaitAsync(SeedingBound));

        // Every state a referral can be in without a deadline passing (EXPIRED needs the clock, which the demo does not fake).
        var seeded = await ReferralCountAsync();
        await using (var scope = Fixture.Services.CreateAsyncScope())
        {
            var statuses = await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().Referrals.Select(r => r.Status).Distinct().ToListAsync();
            Assert.Equal(System.Enum.GetValues<DomainStatus>().Where(s => s != DomainStatus.Expired).Order(), statuses.Order());
        }

        // Naima's loneliness: sent by her GP, declined and redirected twice over three organizations; her coordinator is told.
        var directory = Fixture.Services.GetRequiredService<IMemberDirectory>();
        var coordinator = await directory.FindForSignInAsync("abdelkader.ziani@wijkteam-moerwijk.example", CancellationToken.None);
        var gp = await directory.FindForSignInAsync("karim.haddou@hap-moerwijkzuid.example", CancellationToken.None);
        var needs = (await new ReferralsService.ReferralsServiceClient(Channel).ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest(), Fixture.As(coordinator!))).Needs;
        Assert.Equal(new[] { LifeDomain.Social, LifeDomain.Debt }.Order(), needs.Select(n => n.LifeDomain).Order());
        var atRisk = needs.Single(n => n.LifeDomain == LifeDomain.Social);
        Assert.Equal([PillarToPostReason.RepeatedRejection, PillarToPostReason.TooManyOrganizations], atRisk.Reasons.Order());
        Assert.Equal([ReferralStatus.Declined, ReferralStatus.Declined, ReferralStatus.Requested], atRisk.Referrals.Select(r => r.Status));
        Assert.Equal(3, atRisk.Referrals.Select(r => r.ToOrganizationId).Distinct().Count());
        Assert.All(atRisk.Referrals, r => Assert.Equal(gp!.OrganizationId, r.FromOrganizationId));
        Assert.All(atRisk.Referrals.SkipLast(1), r => Assert.NotEmpty(r.RedirectReferralId));

        // Her debts: declined at the intake and at the debt settlement, and on the walk-in hour's waiting list.
        var debts = needs.Single(n => n.LifeDomain == LifeDomain.Debt);
        Assert.Equal([PillarToPostReason.RepeatedRejection], debts.Reasons);
        Assert.Equal([ReferralStatus.Declined, ReferralStatus.Declined, ReferralStatus.OnHold], debts.Referrals.Select(r => r.Status));

        // A second start on the same databases finds referrals and adds none.
        await using var restarted = await Fixture.StartReplicaAsync();
        Assert.Equal(DemoReferralsOutcome.Skipped, await restarted.App.Services.GetRequiredService<DemoReferrals>().Completion.WaitAsync(SeedingBound));
        Assert.Equal(seeded, await ReferralCountAsync());
    }

    [Fact]
    public async Task Naimas_arabic_speaking_spanner_stays_her_constant_contact_and_the_backup_takes_over_without_a_gap()
    {
        Assert.Equal(DemoReferralsOutcome.Seeded, await Fixture.Services.GetRequiredService<DemoReferrals>().Completion.WaitAsync(SeedingBound));
        var directory = Fixture.Services.GetRequiredService<IMemberDirectory>();
        var coordinator = Fixture.As((await directory.FindForSignInAsync("abdelkader.ziani@wijkteam-moerwijk.example", CancellationToken.None))!);
        var welfare = Fixture.As((await directory.FindForSignInAsync("rachid.moussaoui@welzijn-zuidwest.example", CancellationToken.None))!);
        var spanners = new SpannersService.SpannersServiceClient(Channel);
        var networkView = new NetworkViewService.NetworkViewServiceClient(Channel);
        var naima = (await new CasesService.CasesServiceClient(Channel).ListCasesAsync(new ListCasesRequest { PageSize = 200 }, coordinator)).Cases
            .Single(c => c.Plan == Cases.Data.DemoData.DemoCases.NaimaPlan).ServiceUserId;
        var start = DateTimeOffset.UtcNow.AddDays(-1);

        // Her debt need at risk brought Arabic-speaking spanners of Moerwijk to her coordinator's at-risk list, and the
        // coordinator made the first her constant contact.
        var debts = (await new ReferralsService.ReferralsServiceClient(Channel).ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest(), coordinator)).Needs
            .Single(n => n.LifeDomain == LifeDomain.Debt);
        Assert.Equal(["Fatima Benali", "Yasmina El Khatib"], debts.ProposedSpanners.Take(2).Select(p => p.DisplayName));
        Assert.All(debts.ProposedSpanners.Take(2), p => Assert.Contains("ar", p.SharedLanguages));
        var view = await EventuallyAsync(SeedingBound, async () => (await networkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = naima, RecentEventLimit = 100 }, coordinator)).View
            is { ConstantContact: not null } v && v.RecentEvents.Any(e => e.Summary.StartsWith("Boundary spanners proposed", StringComparison.Ordinal)) ? v : null);
        Assert.Equal((debts.ProposedSpanners[0].SpannerId, "Fatima Benali"), (view.ConstantContact.SpannerId, view.ConstantContact.DisplayName));
        var fatima = (await spanners.GetSpannerAsync(new GetSpannerRequest { Id = view.ConstantContact.SpannerId }, welfare)).Spanner;
        Assert.Contains("ar", fatima.Languages);
        Assert.Equal(debts.NeedId, Assert.Single((await spanners.ListSpannerAssignmentsAsync(new ListSpannerAssignmentsRequest { ServiceUserId = naima }, coordinator)).Assignments).NeedId);
        Assert.Contains((await spanners.ListSpannersAtRiskAsync(new ListSpannersAtRiskRequest(), welfare)).Spanners, s => s.Spanner.DisplayName == "Rosa Martina" && s.Risks.Contains(SpannerRisk.HighBurden));

        // Fatima stops: her backup is proposed, Naima keeps Fatima until the backup is agreed to, then has the backup.
        var stopped = await spanners.StopSpannerAsync(new StopSpannerRequest { Id = fatima.Id, Etag = fatima.Etag, Reason = SpannerStopReason.MovedAway, HandoverNote = "Verhuist naar Rotterdam." }, welfare);
        var succession = Assert.Single(stopped.Successions);
        Assert.Equal(SuccessionBasis.Backup, succession.Basis);
        Assert.Equal(fatima.Id, (await networkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = naima }, coordinator)).View.ConstantContact.SpannerId);
        var agreed = (await spanners.ConfirmSpannerAssignmentAsync(
            new ConfirmSpannerAssignmentRequest { Id = succession.NewAssignment.Id, Etag = succession.NewAssignment.Etag, Party = AssignmentParty.Spanner }, welfare)).Assignment;
        await spanners.ConfirmSpannerAssignmentAsync(new ConfirmSpannerAssignmentRequest { Id = agreed.Id, Etag = agreed.Etag, Party = AssignmentParty.ServiceUser }, coordinator);
        var backup = await EventuallyAsync(SeedingBound, async () => (await networkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = naima }, coordinator)).View.ConstantContact
            is { } contact && contact.SpannerId == succession.NewAssignment.SpannerId ? contact : null);
        Assert.Equal("Yasmina El Khatib", backup.DisplayName);

        var report = await EventuallyAsync(SeedingBound, async () => (await spanners.GetContinuityReportAsync(new GetContinuityReportRequest
        {
            Neighbourhood = "moerwijk", StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(start), EndTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        }, coordinator)).Report is { ServiceUsersWithContact: > 0, OpenHandovers: 0 } r && r.SpannersPerHundredServiceUsers > 0 ? r : null);
        Assert.Equal(0, report.GapDays);
    }

    private async Task<int> ReferralCountAsync()
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().Referrals.CountAsync();
    }
}
