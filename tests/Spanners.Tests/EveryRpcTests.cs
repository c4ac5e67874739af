using Google.Rpc;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace ReferralNet.Spanners.Tests;

/// <summary>Rules that hold for every RPC of the spanners service, walked from its descriptor so a new RPC is covered too.</summary>
public abstract class EveryRpcTests(SpannersFixture fixture) : SpannersTest(fixture)
{
    // Empty requests that ask for something valid: every spanner, and the caller's own spanners at risk.
    private static readonly string[] ValidWhenEmpty =
        [nameof(SpannersService.SpannersServiceClient.ListSpanners), nameof(SpannersService.SpannersServiceClient.ListSpannersAtRisk)];

    public static TheoryData<string> Rpcs => [.. SpannersService.Descriptor.Methods.Select(m => m.Name)];

    public static TheoryData<string> RpcsNeedingInput => [.. SpannersService.Descriptor.Methods.Select(m => m.Name).Except(ValidWhenEmpty)];

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
        var workload = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Service, rpc, EmptyRequest(Service, rpc), Fixture.AsWorkload("referrals")));
        Assert.Equal(StatusCode.PermissionDenied, workload.StatusCode);
    }

    [SkippableTheory]
    [MemberData(nameof(RpcsNeedingInput))]
    public async Task Every_rpc_but_the_lists_names_what_an_empty_request_lacks(string rpc)
    {
        var practice = await NewPracticeAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Service, rpc, EmptyRequest(Service, rpc), practice.Call));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.NotEmpty(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
    }

    [SkippableTheory]
    [MemberData(nameof(ValidEmptyRpcs))]
    public async Task The_lists_answer_an_empty_request(string rpc) =>
        await CallRawAsync(Service, rpc, EmptyRequest(Service, rpc), (await NewPracticeAsync()).Call);

    public static TheoryData<string> ValidEmptyRpcs => [.. ValidWhenEmpty];

    private static ServiceDescriptor Service => SpannersService.Descriptor;
}

[Collection(SqliteCollection.Name)]
public sealed class EveryRpcTestsOnSqlite(SpannersSqliteFixture fixture) : EveryRpcTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class EveryRpcTestsOnPostgres(SpannersPostgresFixture fixture) : EveryRpcTests(fixture);
