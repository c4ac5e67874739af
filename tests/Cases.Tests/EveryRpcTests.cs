using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Google.Rpc;

namespace ReferralNet.Cases.Tests;

/// <summary>Rules that hold for every RPC of the cases services, walked from their descriptors so a new RPC is covered too.</summary>
public abstract class EveryRpcTests(CasesFixture fixture) : CasesTest(fixture)
{
    private static readonly ServiceDescriptor[] Services = [ServiceUsersService.Descriptor, ConsentsService.Descriptor, CasesService.Descriptor, CareTeamService.Descriptor, NetworkViewService.Descriptor];

    public static TheoryData<string, string> Rpcs
    {
        get
        {
            var rpcs = new TheoryData<string, string>();
            foreach (var method in Services.SelectMany(s => s.Methods))
            {
                rpcs.Add(method.Service.Name, method.Name);
            }

            return rpcs;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_refuses_a_call_without_a_token(string service, string rpc)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Find(service), rpc, EmptyRequest(Find(service), rpc), new CallOptions()));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [SkippableTheory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_refuses_an_ended_member(string service, string rpc)
    {
        var practice = await NewPracticeAsync();
        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = practice.Professional.Id }, practice.Organization.Admin);

        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Find(service), rpc, EmptyRequest(Find(service), rpc), practice.Call));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [SkippableTheory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_but_listing_the_callers_cases_names_what_an_empty_request_lacks(string service, string rpc)
    {
        var practice = await NewPracticeAsync();
        var caller = rpc switch
        {
            nameof(ConsentsService.ConsentsServiceClient.CheckReferralConsent) => Fixture.AsWorkload("referrals"),
            nameof(ConsentsService.ConsentsServiceClient.CheckSupportConsent) => Fixture.AsWorkload("spanners"),
            _ => practice.Call,
        };

        // An empty ListCases asks for the caller's own caseload.
        if (rpc == nameof(CasesService.CasesServiceClient.ListCases))
        {
            await CallRawAsync(Find(service), rpc, EmptyRequest(Find(service), rpc), practice.Call);
            return;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Find(service), rpc, EmptyRequest(Find(service), rpc), caller));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.NotEmpty(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
    }

    private static ServiceDescriptor Find(string service) => Services.Single(s => s.Name == service);
}

[Collection(SqliteCollection.Name)]
public sealed class EveryRpcTestsOnSqlite(CasesSqliteFixture fixture) : EveryRpcTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class EveryRpcTestsOnPostgres(CasesPostgresFixture fixture) : EveryRpcTests(fixture);
