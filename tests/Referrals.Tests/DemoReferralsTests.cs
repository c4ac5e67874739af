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
        var atRisk = Assert.Single((await new ReferralsService.ReferralsServiceClient(Channel).ListAtRiskNeedsAsync(new ListAtRiskNeedsRequest(), Fixture.As(coordinator!))).Needs);
        Assert.Equal(LifeDomain.Social, atRisk.LifeDomain);
        Assert.Equal([PillarToPostReason.RepeatedRejection, PillarToPostReason.TooManyOrganizations], atRisk.Reasons.Order());
        Assert.Equal([ReferralStatus.Declined, ReferralStatus.Declined, ReferralStatus.Requested], atRisk.Referrals.Select(r => r.Status));
        Assert.Equal(3, atRisk.Referrals.Select(r => r.ToOrganizationId).Distinct().Count());
        Assert.All(atRisk.Referrals, r => Assert.Equal(gp!.OrganizationId, r.FromOrganizationId));
        Assert.All(atRisk.Referrals.SkipLast(1), r => Assert.NotEmpty(r.RedirectReferralId));

        // A second start on the same databases finds referrals and adds none.
        await using var restarted = await Fixture.StartReplicaAsync();
        Assert.Equal(DemoReferralsOutcome.Skipped, await restarted.App.Services.GetRequiredService<DemoReferrals>().Completion.WaitAsync(SeedingBound));
        Assert.Equal(seeded, await ReferralCountAsync());
    }

    private async Task<int> ReferralCountAsync()
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().Referrals.CountAsync();
    }
}
