using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Data.DemoData;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Tests;

/// <summary>The embedded host with demo data, as <c>dotnet run</c> starts it, grown by a small generated caseload.</summary>
public sealed class DemoFixture() : ReferralNetFixture(DatabaseProvider.Sqlite, seedDemoData: true)
{
    /// <summary>Generated service users besides the hand-written ones.</summary>
    public const int Population = 300;

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration => [new("ReferralNet:Cases:DemoPopulation", Population.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>What a newcomer sees right after <c>dotnet run</c>: the README's walk-through of the GP's network view.</summary>
public sealed class DemoDataTests(DemoFixture fixture) : HostTest(fixture), IClassFixture<DemoFixture>
{
    [Fact]
    public async Task The_demo_gp_finds_naima_by_bsn_and_sees_her_network_within_the_consent()
    {
        var gp = await Fixture.Services.GetRequiredService<IMemberDirectory>().FindForSignInAsync("karim.haddou@hap-moerwijkzuid.example", CancellationToken.None);
        var call = Fixture.As(gp!);

        var naima = (await new ServiceUsersService.ServiceUsersServiceClient(Channel).FindServiceUserByBsnAsync(
            new FindServiceUserByBsnRequest { Bsn = DemoCases.WalkThroughBsn }, call)).ServiceUser;
        var view = (await new NetworkViewService.NetworkViewServiceClient(Channel).GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = naima.Id }, call)).View;

        Assert.Equal(("Naima", "moerwijk"), (naima.GivenName, naima.Neighbourhood));
        Assert.Equal([LifeDomain.PhysicalHealth, LifeDomain.Social], view.OpenNeeds.Select(n => n.Need.LifeDomain).Order());
        Assert.Equal([LifeDomain.Housing, LifeDomain.Debt], view.Withheld.Select(w => w.LifeDomain));
        Assert.Equal("abdelkader.ziani", (await MemberEmailAsync(view.Coordinator.Involvement.MemberId)).Split('@')[0]);
        Assert.Contains(view.CareTeam, e => e.Involvement.Role == InvolvementRole.GeneralPractitioner && e.Involvement.MemberId == gp!.MemberId);
        Assert.DoesNotContain(view.CareTeam, e => e.Involvement.NeedId.Length > 0);
        Assert.NotEmpty(view.RecentEvents);
    }

    [Fact]
    public async Task The_generated_caseload_is_whole_and_each_gp_sees_its_patients_within_the_consent()
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CasesDbContext>();
        var users = await db.ServiceUsers.AsNoTracking().ToListAsync();
        var openCases = await db.Cases.AsNoTracking().Where(c => c.Status == Domain.CaseStatus.Open).Select(c => c.ServiceUserId).ToListAsync();
        var coordinated = await db.Consents.AsNoTracking().Where(c => c.Purpose == Domain.ConsentPurpose.Coordination).Select(c => c.ServiceUserId).ToListAsync();
        var needs = await db.Needs.AsNoTracking().GroupBy(n => n.ServiceUserId).Select(g => g.Key).ToListAsync();
        var hashes = await db.BsnHashes.AsNoTracking().ToListAsync();

        // The three hand-written people and the generated ones: each with one open case, a coordinator and a need; BSNs
        // (most have one) are never given twice.
        Assert.Equal(3 + DemoFixture.Population, users.Count);
        Assert.All(users, u => Assert.Single(openCases, id => id == u.Id));
        Assert.All(users, u => Assert.Contains(u.Id, coordinated));
        Assert.All(users, u => Assert.Contains(u.Id, needs));
        Assert.InRange(users.Count(u => u.HasBsn), DemoFixture.Population * 8 / 10, users.Count);
        Assert.Equal(hashes.Count, hashes.Select(h => h.Hash).Distinct().Count());
        Assert.Equal(3, await db.Outbox.CountAsync(m => m.EventType == ServiceUserRegistered.Descriptor.FullName));

        // A GP opens a generated patient's view: health and loneliness visible, debts withheld.
        var gp = await Fixture.Services.GetRequiredService<IMemberDirectory>().FindForSignInAsync("karim.haddou@hap-moerwijkzuid.example", CancellationToken.None);
        var patients = await db.Consents.AsNoTracking().Where(c => c.OrganizationId == gp!.OrganizationId && c.Purpose == Domain.ConsentPurpose.Care).Select(c => c.ServiceUserId).ToListAsync();
        var withDebt = await db.Needs.AsNoTracking().Where(n => patients.Contains(n.ServiceUserId) && n.LifeDomain == ReferralNet.Platform.Domain.LifeDomain.Debt).Select(n => n.ServiceUserId).FirstAsync();
        var view = (await new NetworkViewService.NetworkViewServiceClient(Channel).GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = withDebt }, Fixture.As(gp!))).View;
        Assert.Equal(AccessBasis.Consent, view.Basis);
        Assert.Contains(view.Withheld, w => w.LifeDomain == LifeDomain.Debt && w.Needs == 1);
        Assert.DoesNotContain(view.OpenNeeds, n => n.Need.LifeDomain == LifeDomain.Debt);
        Assert.Contains(view.CareTeam, e => e.Involvement.Role == InvolvementRole.Coordinator);
        Assert.Contains(view.CareTeam, e => e.Involvement.Role == InvolvementRole.GeneralPractitioner);
    }

    private async Task<string> MemberEmailAsync(string memberId)
    {
        var admin = Fixture.As(await Fixture.NetworkAdminAsync());
        return (await Directory.GetMemberAsync(new GetMemberRequest { Id = memberId }, admin)).Member.Email;
    }
}
