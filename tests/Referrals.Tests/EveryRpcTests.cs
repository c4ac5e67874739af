using Google.Rpc;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace ReferralNet.Referrals.Tests;

/// <summary>Rules that hold for every RPC of the referrals service, walked from its descriptor so a new RPC is covered too.</summary>
public abstract class EveryRpcTests(ReferralsFixture fixture) : ReferralsTest(fixture)
{
    // Empty requests that ask for something valid: the caller's own inbox, outbox, at-risk needs and inbox stream.
    private static readonly string[] ValidWhenEmpty =
    [
        nameof(ReferralsService.ReferralsServiceClient.ListIncomingReferrals), nameof(ReferralsService.ReferralsServiceClient.ListOutgoingReferrals),
        nameof(ReferralsService.ReferralsServiceClient.ListAtRiskNeeds), nameof(ReferralsService.ReferralsServiceClient.WatchIncomingReferrals),
    ];

    public static TheoryData<string> Rpcs => [.. ReferralsService.Descriptor.Methods.Select(m => m.Name)];

    public static TheoryData<string> RpcsNeedingInput => [.. ReferralsService.Descriptor.Methods.Select(m => m.Name).Except(ValidWhenEmpty)];

    [SkippableTheory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_refuses_a_call_without_a_token(string rpc)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Service, rpc, EmptyRequest(Service, rpc), new CallOptions()));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [SkippableTheory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_refuses_an_ended_member_and_a_workload(string rpc)
    {
        var practice = await NewPracticeAsync();
        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = practice.Professional.Id }, practice.Organization.Admin);

        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Service, rpc, EmptyRequest(Service, rpc), practice.Call));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        var workload = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Service, rpc, EmptyRequest(Service, rpc), Fixture.AsWorkload("cases")));
        Assert.Equal(StatusCode.PermissionDenied, workload.StatusCode);
    }

    [SkippableTheory]
    [MemberData(nameof(RpcsNeedingInput))]
    public async Task Every_rpc_but_the_callers_own_lists_names_what_an_empty_request_lacks(string rpc)
    {
        var practice = await NewPracticeAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Service, rpc, EmptyRequest(Service, rpc), practice.Call));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.NotEmpty(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
    }

    private static ServiceDescriptor Service => ReferralsService.Descriptor;
}

[Collection(SqliteCollection.Name)]
public sealed class EveryRpcTestsOnSqlite(ReferralsSqliteFixture fixture) : EveryRpcTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class EveryRpcTestsOnPostgres(ReferralsPostgresFixture fixture) : EveryRpcTests(fixture);
