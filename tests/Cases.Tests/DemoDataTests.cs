using ReferralNet.Cases.Data.DemoData;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Tests;

/// <summary>The embedded host with demo data, as <c>dotnet run</c> starts it.</summary>
public sealed class DemoFixture() : ReferralNetFixture(DatabaseProvider.Sqlite, seedDemoData: true);

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

    private async Task<string> MemberEmailAsync(string memberId)
    {
        var admin = Fixture.As(await Fixture.NetworkAdminAsync());
        return (await Directory.GetMemberAsync(new GetMemberRequest { Id = memberId }, admin)).Member.Email;
    }
}
