using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace ReferralNet.Distributed.Tests;

/// <summary>
/// The organizations service and the cases service in two server processes, as two Deployments run them, each with its
/// own data folder (its own SQLite database, keys and all), the cases process told where the organizations service is
/// (<c>ReferralNet__Peers__Organizations</c>) and nothing else about it. They share the development signing key, as the
/// dev overlay's pods do: member tokens of one are valid at the other, and the cases process's workload token is valid
/// at the organizations process. No broker runs here and Dapr is off, so the events one process publishes stay in it.
/// One pair of processes serves every test of the class; the network office, a team and a GP practice are made once.
/// </summary>
public sealed class TwoProcesses : IAsyncLifetime
{
    /// <summary>How long the cases process trusts a membership it read, before it asks the organizations process again.</summary>
    public static readonly TimeSpan MembershipRefresh = TimeSpan.FromSeconds(1);


    /// <summary>The process that runs the organizations service (the directory) alone.</summary>
    public ServerProcess Organizations { get; private set; } = null!;

    /// <summary>The process that runs the cases service alone.</summary>
    public ServerProcess Cases { get; private set; } = null!;

    /// <summary>The network administrator's token, from the organizations process's <c>dev-token --network-admin</c>.</summary>
    public CallOptions NetworkAdmin { get; private set; }

    /// <summary>A social neighbourhood team, made through the organizations process.</summary>
    public Organization Team { get; private set; } = null!;

    /// <summary>The team's org-admin, signed in.</summary>
    public CallOptions TeamAdmin { get; private set; }

    /// <summary>A GP practice, made through the organizations process.</summary>
    public Organization Practice { get; private set; } = null!;

    /// <summary>The organizations process's data folder.</summary>
    public string OrganizationsData { get; } = Directory.CreateTempSubdirectory("referralnet-organizations-").FullName;

    /// <summary>The cases process's data folder.</summary>
    public string CasesData { get; } = Directory.CreateTempSubdirectory("referralnet-cases-").FullName;

    /// <summary>How long it took to start both processes (in parallel) until both listened.</summary>
    public TimeSpan StartTime { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (organizationsAddress, casesAddress) = FreeLoopbackAddresses();
        var shared = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["ReferralNet__Database__Provider"] = "Sqlite",
            ["ReferralNet__SeedDemoData"] = "false",
            ["ReferralNet__Auth__DevIssuer"] = "true",
            ["ReferralNet__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["ReferralNet__Bootstrap__NetworkAdminEmail"] = "admin@network-office.test",
            ["ReferralNet__Dapr__Enabled"] = "false",
        };

        Organizations = ServerProcess.Start("organizations", organizationsAddress, new Dictionary<string, string>(shared)
        {
            ["ReferralNet__Services__0"] = "organizations",
            ["ReferralNet__Database__DataDirectory"] = OrganizationsData,
        });
        Cases = ServerProcess.Start("cases", casesAddress, new Dictionary<string, string>(shared)
        {
            ["ReferralNet__Services__0"] = "cases",
            ["ReferralNet__Database__DataDirectory"] = CasesData,
            ["ReferralNet__Peers__Organizations"] = organizationsAddress.ToString(),

            // Short, so that a test sees a membership ended at the organizations process refused here within seconds:
            // no event carries the change across (no broker), only the next CheckMembership does.
            ["ReferralNet__Auth__MembershipRefresh"] = MembershipRefresh.ToString(),
        });
        await Task.WhenAll(Organizations.ListeningAsync(), Cases.ListeningAsync());
        StartTime = started.Elapsed;

        NetworkAdmin = await SignInAsync("--network-admin");
        var directory = new OrganizationsService.OrganizationsServiceClient(Organizations.Channel);
        var team = await directory.CreateOrganizationAsync(new CreateOrganizationRequest
        {
            Organization = new Organization { Name = "Wijkteam Moerwijk", Kind = OrganizationKind.SocialNeighbourhoodTeam, Neighbourhoods = { "moerwijk" } },
            FirstAdmin = new FirstAdmin { DisplayName = "Ilse de Vries", Email = "ilse@wijkteam-moerwijk.test", Languages = { "nl" } },
        }, NetworkAdmin);
        Team = team.Organization;
        TeamAdmin = await SignInAsync("--member", team.FirstAdmin.Email);
        Practice = (await directory.CreateOrganizationAsync(new CreateOrganizationRequest
        {
            Organization = new Organization { Name = "Huisartsenpraktijk Moerwijk", Kind = OrganizationKind.GpPractice, Neighbourhoods = { "moerwijk" } },
        }, NetworkAdmin)).Organization;
    }

    /// <summary>Signs in as an operator does with the development issuer: the organizations process's <c>dev-token</c> command.</summary>
    public async Task<CallOptions> SignInAsync(params string[] who) =>
        new(new Metadata { { "authorization", $"Bearer {await Organizations.RunCommandAsync(["dev-token", .. who])}" } });

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Cases is not null)
        {
            await Cases.DisposeAsync();
        }

        if (Organizations is not null)
        {
            await Organizations.DisposeAsync();
        }

        Directory.Delete(OrganizationsData, recursive: true);
        Directory.Delete(CasesData, recursive: true);
    }

    // Two ports the system just handed out and took back: the servers bind them a moment later.
    private static (Uri, Uri) FreeLoopbackAddresses()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        static Uri Address(TcpListener listener) => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        return (Address(first), Address(second));
    }
}
