using Xunit.Abstractions;

namespace ReferralNet.Distributed.Tests;

/// <summary>
/// Organizations and cases as two processes with two databases, over gRPC on loopback: a referral-free flow works
/// across them, and the cases process checks every caller through the organizations process (CheckMembership with its
/// workload token), never through a database of the directory's.
/// </summary>
public sealed class TwoProcessTests(TwoProcesses processes, ITestOutputHelper output) : IClassFixture<TwoProcesses>, IDisposable
{
    private readonly int _organizationsErrorsBefore = processes.Organizations.Errors.Count;
    private readonly int _casesErrorsBefore = processes.Cases.Errors.Count;

    private OrganizationsService.OrganizationsServiceClient Directory => new(processes.Organizations.Channel);

    private ServiceUsersService.ServiceUsersServiceClient ServiceUsers => new(processes.Cases.Channel);

    private ConsentsService.ConsentsServiceClient Consents => new(processes.Cases.Channel);

    private CasesService.CasesServiceClient Cases => new(processes.Cases.Channel);

    private NetworkViewService.NetworkViewServiceClient NetworkView => new(processes.Cases.Channel);

    [Fact]
    public async Task A_member_signs_in_registers_a_service_user_grants_a_consent_opens_a_case_and_reads_the_network_view()
    {
        var (professional, call) = await NewProfessionalAsync();

        var registered = await ServiceUsers.RegisterServiceUserAsync(new RegisterServiceUserRequest
        {
            ServiceUser = new ServiceUser
            {
                GivenName = "Fatima",
                FamilyName = "El Amrani",
                DateOfBirth = new CalendarDate { Year = 1979, Month = 4, Day = 12 },
                Neighbourhood = "moerwijk",
                Languages = { "ar", "nl" },
            },
            Consent = new Consent
            {
                OrganizationId = processes.Team.Id,
                Purpose = ConsentPurpose.Coordination,
                LifeDomains = { Enum.GetValues<LifeDomain>().Where(d => d != LifeDomain.Unspecified) },
                Method = ConsentMethod.Written,
                EvidenceReference = "intake form 2026-114",
            },
            RequestId = Guid.NewGuid().ToString(),
        }, call);
        var user = registered.ServiceUser;
        Assert.Equal((processes.Team.Id, professional.Id), (registered.Consent.RecordedByOrganizationId, registered.Consent.RecordedByMemberId));

        var granted = (await Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent
            {
                ServiceUserId = user.Id,
                OrganizationId = processes.Practice.Id,
                Purpose = ConsentPurpose.Care,
                LifeDomains = { LifeDomain.PhysicalHealth, LifeDomain.Social },
                Method = ConsentMethod.Verbal,
            },
        }, call)).Consent;
        Assert.Equal(ConsentStatus.Active, granted.Status);

        var opened = (await Cases.OpenCaseAsync(new OpenCaseRequest { Case = new Case { ServiceUserId = user.Id, Plan = "Een plan met Fatima." } }, call)).Case;
        Assert.Equal((professional.Id, processes.Team.Id, CaseStatus.Open), (opened.CoordinatorMemberId, opened.CoordinatorOrganizationId, opened.Status));

        var view = (await NetworkView.GetNetworkViewAsync(new GetNetworkViewRequest { ServiceUserId = user.Id }, call)).View;
        Assert.Equal(user.Id, view.ServiceUser.Id);
        Assert.Equal(AccessBasis.Consent, view.Basis);
        Assert.Equal(opened.Id, view.CaseId);
        Assert.Equal((professional.Id, processes.Team.Id), (view.Coordinator.Involvement.MemberId, view.Coordinator.Involvement.OrganizationId));
        Assert.Contains(view.CareTeam, entry => entry.Involvement.MemberId == professional.Id);
        Assert.Contains(view.RecentEvents, e => e.Kind == TimelineEntryKind.Consent && e.OrganizationId == processes.Practice.Id);
        Assert.Equal(Enum.GetValues<LifeDomain>().Length - 1, view.VisibleLifeDomains.Count);
    }

    [Fact]
    public async Task A_membership_ended_at_the_organizations_process_is_refused_by_the_cases_process()
    {
        var (professional, call) = await NewProfessionalAsync();
        await Cases.ListCasesAsync(new ListCasesRequest(), call);

        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = professional.Id, Etag = professional.Etag }, processes.TeamAdmin);

        // Nothing tells the cases process (no broker carries MemberChanged here): it learns it from CheckMembership once
        // what it read is older than its refresh bound, and refuses the still-valid token from then on.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await Cases.ListCasesAsync(new ListCasesRequest(), call);
            }
            catch (RpcException refused) when (refused.StatusCode == StatusCode.PermissionDenied)
            {
                break;
            }

            await Task.Delay(TwoProcesses.MembershipRefresh / 4, bound.Token);
        }

        // The directory itself refuses the ended member too.
        var error = await Assert.ThrowsAsync<RpcException>(() => Directory.GetOrganizationAsync(new GetOrganizationRequest { Id = processes.Team.Id }, call).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Each_process_serves_only_its_own_service_from_its_own_database()
    {
        output.WriteLine($"Both processes listened {processes.StartTime.TotalSeconds:F1} s after their start.");
        var call = processes.TeamAdmin;
        var directoryAtCases = new OrganizationsService.OrganizationsServiceClient(processes.Cases.Channel);
        var casesAtDirectory = new CasesService.CasesServiceClient(processes.Organizations.Channel);
        Assert.Equal(StatusCode.Unimplemented, (await Assert.ThrowsAsync<RpcException>(() => directoryAtCases.GetOrganizationAsync(new GetOrganizationRequest { Id = processes.Team.Id }, call).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.Unimplemented, (await Assert.ThrowsAsync<RpcException>(() => casesAtDirectory.ListCasesAsync(new ListCasesRequest(), call).ResponseAsync)).StatusCode);
        Assert.Equal(processes.Team.Name, (await Directory.GetOrganizationAsync(new GetOrganizationRequest { Id = processes.Team.Id }, call)).Organization.Name);

        // The cases process checks its callers with no database of the directory's: it has its own file alone.
        Assert.Equal(["organizations.db"], Databases(processes.OrganizationsData));
        Assert.Equal(["cases.db"], Databases(processes.CasesData));
        Assert.NotEqual(processes.Organizations.ProcessId, processes.Cases.ProcessId);
    }

    /// <summary>No test may make either process log an error.</summary>
    public void Dispose()
    {
        var errors = processes.Organizations.Errors.Skip(_organizationsErrorsBefore).Select(e => $"organizations: {e}")
            .Concat(processes.Cases.Errors.Skip(_casesErrorsBefore).Select(e => $"cases: {e}")).ToList();
        Assert.True(errors.Count == 0, "The servers logged errors:\n" + string.Join("\n", errors));
    }

    // A professional of the team, made by its org-admin at the organizations process, who then signs in there.
    private async Task<(Member Member, CallOptions Call)> NewProfessionalAsync()
    {
        var member = (await Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member
            {
                OrganizationId = processes.Team.Id,
                DisplayName = "Sam Jansen",
                Email = $"sam-{Guid.NewGuid():N}@wijkteam-moerwijk.test",
                Role = MemberRole.Professional,
                Profession = "social-worker",
                Languages = { "nl", "ar" },
            },
        }, processes.TeamAdmin)).Member;
        return (member, await processes.SignInAsync("--member", member.Email));
    }

    private static List<string> Databases(string dataDirectory) =>
        [.. System.IO.Directory.GetFiles(dataDirectory, "*.db", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)).Order()];
}
