using Google.Protobuf;
using Google.Rpc;

namespace ReferralNet.Organizations.Tests;

/// <summary>Rules that hold for every RPC of the directory, walked from the service descriptor so a new RPC is covered too.</summary>
public abstract class EveryRpcTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    public static TheoryData<string> Rpcs => [.. OrganizationsService.Descriptor.Methods.Select(m => m.Name)];

    [SkippableTheory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_refuses_a_call_without_a_token(string rpc)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(rpc, Empty(rpc), new CallOptions()));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [SkippableTheory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_refuses_an_ended_member(string rpc)
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization, MemberRole.OrgAdmin);
        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id }, organization.Admin);

        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(rpc, Empty(rpc), call));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [SkippableTheory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_but_listing_organizations_names_what_an_empty_request_lacks(string rpc)
    {
        // Internal RPCs take a workload token; every other RPC a member's.
        var admin = rpc == nameof(OrganizationsService.OrganizationsServiceClient.CheckMembership) ? Fixture.AsWorkload("cases") : await NetworkAdminAsync();
        if (rpc == nameof(OrganizationsService.OrganizationsServiceClient.ListOrganizations))
        {
            await CallAsync(rpc, Empty(rpc), admin);
            return;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(rpc, Empty(rpc), admin));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.NotEmpty(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
    }

    private static IMessage Empty(string rpc) => EmptyRequest(OrganizationsService.Descriptor, rpc);

    private Task CallAsync(string rpc, IMessage request, CallOptions options) => CallRawAsync(OrganizationsService.Descriptor, rpc, request, options);
}

[Collection(SqliteCollection.Name)]
public sealed class EveryRpcTestsOnSqlite(SqliteFixture fixture) : EveryRpcTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class EveryRpcTestsOnPostgres(PostgresFixture fixture) : EveryRpcTests(fixture);
