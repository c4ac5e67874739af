using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ReferralNet.Contracts.V1;
using ReferralNet.Testing;
using CareConsent = ReferralNet.Cases.Domain.ConsentPurpose;
using DevTokenIssuer = ReferralNet.Platform.Identity.DevTokenIssuer;
using IMemberDirectory = ReferralNet.Platform.Identity.IMemberDirectory;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Benchmark;

/// <summary>What a server process tells the benchmark once it listens: where, and the tokens to call it with.</summary>
/// <param name="Address">The host's loopback address.</param>
/// <param name="NetworkAdminToken">Lists organizations and members of every organization.</param>
/// <param name="OrganizationId">The demo organization (debt counselling) the read and write scenarios use.</param>
/// <param name="ProfessionalId">A professional of that organization.</param>
/// <param name="ProfessionalToken">That professional's token.</param>
/// <param name="OrgAdmins">An org-admin of every demo organization that has one.</param>
/// <param name="GpToken">The token of the demo GP whose consult the network view scenario plays.</param>
/// <param name="GpServiceUserIds">A sample of the service users whose CARE consent that GP's practice holds.</param>
/// <param name="CoordinatorToken">
/// A professional of the Moerwijk social neighbourhood team, who registers service users, coordinates their cases and
/// refers their needs to the debt counselling organization in the referral scenarios.
/// </param>
/// <param name="CoordinatorOrganizationId">That team's organization.</param>
internal sealed record ServerInfo(
    string Address, string NetworkAdminToken, string OrganizationId, string ProfessionalId, string ProfessionalToken, IReadOnlyList<OrgAdmin> OrgAdmins,
    string GpToken, IReadOnlyList<string> GpServiceUserIds, string CoordinatorToken, string CoordinatorOrganizationId);

/// <summary>An org-admin's token for one organization.</summary>
/// <param name="OrganizationId">The organization.</param>
/// <param name="Token">The bearer token.</param>
internal sealed record OrgAdmin(string OrganizationId, string Token);

/// <summary>
/// The server side of the benchmark: the real host (SqliteFixture) in a process of its own, so its CPU time is the
/// server's alone. It lives until its standard input closes, which also happens when the benchmark process dies in any
/// way, so no server outlives the run.
/// </summary>
internal static class ServeMode
{
    public const string Argument = "--serve";
    public const string ReadyPrefix = "ready ";
    public const string ServerErrorsPrefix = "server-errors ";

    private const string NetworkViewGp = "karim.haddou@hap-moerwijkzuid.example";

    // Ids ordered by their random value: a sample spread over the whole caseload, so the reads are not one cached page.
    private const int GpSample = 4096;

    public static async Task<int> RunAsync()
    {
        // Ctrl+C in a terminal reaches the whole process group; this process stops when the benchmark closes its
        // input instead, so that the fixture can still delete its data folder.
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        var inputClosed = Console.OpenStandardInput().CopyToAsync(Stream.Null);

        var host = new SqliteFixture();
        try
        {
            await host.InitializeAsync();
            if (!inputClosed.IsCompleted)
            {
                Console.WriteLine(ReadyPrefix + JsonSerializer.Serialize(await DescribeAsync(host)));
                await inputClosed;
            }
        }
        finally
        {
            foreach (var error in host.ServerErrors.Errors)
            {
                await Console.Error.WriteLineAsync(error);
            }

            Console.WriteLine(ServerErrorsPrefix + host.ServerErrors.Errors.Count);
            await host.DisposeAsync();
        }

        return 0;
    }

    // Tokens are signed with a key that only this process holds, so the members are looked up and tokens issued here.
    private static async Task<ServerInfo> DescribeAsync(SqliteFixture host)
    {
        var directory = new OrganizationsService.OrganizationsServiceClient(host.Channel);
        var admin = host.As(await host.NetworkAdminAsync());
        var organizations = await DirectoryGrowth.OrganizationsAsync(directory, admin);

        var orgAdmins = new List<OrgAdmin>();
        (string OrganizationId, Member Professional)? reader = null;
        Member? coordinator = null;
        foreach (var organization in organizations)
        {
            var members = (await directory.ListMembersAsync(new ListMembersRequest { OrganizationId = organization.Id, PageSize = 200 }, admin)).Members;
            if (members.FirstOrDefault(m => m.Role == MemberRole.OrgAdmin) is { } orgAdmin)
            {
                orgAdmins.Add(new(organization.Id, Token(host, orgAdmin, Role.OrgAdmin)));
            }

            // Listing order differs between runs (ids are random), so the organization is the one the referral scenarios can use.
            if (reader is null && organization.Kind == OrganizationKind.DebtCounselling && members.FirstOrDefault(m => m.Role == MemberRole.Professional) is { } professional
                && (await directory.ListServicesAsync(new ListServicesRequest { OrganizationId = organization.Id, PageSize = 200 }, admin)).Services.Any(ReferralWork.TakesTheServiceUsers))
            {
                reader = (organization.Id, professional);
            }

            // The referral scenarios' service users live in Moerwijk, where the debt counselling organization works.
            if (coordinator is null && organization.Kind == OrganizationKind.SocialNeighbourhoodTeam && organization.Neighbourhoods.Contains(ReferralWork.Neighbourhood))
            {
                coordinator = members.FirstOrDefault(m => m.Role == MemberRole.Professional);
            }
        }

        var (organizationId, reading) = reader ?? throw new InvalidOperationException("The demo directory has no debt counselling organization with a professional.");
        if (!orgAdmins.Any(a => a.OrganizationId == organizationId))
        {
            throw new InvalidOperationException("The debt counselling organization of the benchmark has no org-admin.");
        }

        if (coordinator is null)
        {
            throw new InvalidOperationException($"The demo directory has no social neighbourhood team in {ReferralWork.Neighbourhood} with a professional.");
        }

        // The GP of the README's walk-through, and the service users of the (generated) caseload the practice may see.
        var gp = await host.Services.GetRequiredService<IMemberDirectory>().FindForSignInAsync(NetworkViewGp, CancellationToken.None)
            ?? throw new InvalidOperationException($"The demo directory has no {NetworkViewGp}.");
        await using var scope = host.Services.CreateAsyncScope();
        var gpServiceUsers = await scope.ServiceProvider.GetRequiredService<CasesDbContext>().Consents
            .Where(c => c.OrganizationId == gp.OrganizationId && c.Purpose == CareConsent.Care).Select(c => c.ServiceUserId)
            .OrderBy(id => id).Take(GpSample).ToListAsync();

        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServerInfo(
            address, Issuer(host).Issue(await host.NetworkAdminAsync()), organizationId, reading.Id, Token(host, reading, Role.Professional), orgAdmins,
            Issuer(host).Issue(gp), gpServiceUsers, Token(host, coordinator, Role.Professional), coordinator.OrganizationId);
    }

    private static string Token(SqliteFixture host, Member member, Role role) => Issuer(host).Issue(new(member.Id, member.OrganizationId, role, true));

    private static DevTokenIssuer Issuer(SqliteFixture host) => host.Services.GetRequiredService<DevTokenIssuer>();
}
