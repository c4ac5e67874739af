using System.Security.Claims;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Platform.Identity;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Organizations.Tests;

/// <summary>What every integrator meets first: health, reflection, tokens and the limits of the transport.</summary>
public abstract class ProtocolTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    [SkippableTheory]
    [InlineData("")]
    [InlineData("referralnet.v1.OrganizationsService")]
    [InlineData("liveness")]
    public async Task Health_reports_serving_without_a_token(string service)
    {
        var health = new Health.HealthClient(Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status);
    }

    [SkippableFact]
    public async Task Reflection_lists_the_referralnet_services_without_a_token()
    {
        using var call = new ServerReflection.ServerReflectionClient(Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("referralnet.v1.OrganizationsService", services);
        Assert.Contains("grpc.health.v1.Health", services);

        // Finish the stream as a well-behaved client does; disposing it early resets it while the server still reads.
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    [SkippableFact]
    public async Task Calls_without_a_valid_token_are_unauthenticated()
    {
        var admin = await Fixture.NetworkAdminAsync();
        var request = new ListOrganizationsRequest();

        await FailsWith(StatusCode.Unauthenticated, () => Directory.ListOrganizationsAsync(request).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.ListOrganizationsAsync(request, ReferralNetFixture.Bearer("not.a.token")).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.ListOrganizationsAsync(request, Token(admin, key: new SymmetricSecurityKey(new byte[32]))).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.ListOrganizationsAsync(request, Token(admin, expires: DateTime.UtcNow.AddMinutes(-5))).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.ListOrganizationsAsync(request, Token(admin, issuer: "someone-else")).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.ListOrganizationsAsync(request, Token(admin, audience: "other-api")).ResponseAsync);
        Assert.NotEmpty((await Directory.ListOrganizationsAsync(request, Token(admin))).Organizations);
    }

    [SkippableFact]
    public async Task Tokens_that_do_not_match_the_directory_are_refused()
    {
        var organization = await NewOrganizationAsync();
        var other = await NewOrganizationAsync();
        var admin = new MemberStanding(organization.AdminMember.Id, organization.Organization.Id, Role.OrgAdmin, true);
        var request = new ListOrganizationsRequest();

        await FailsWith(StatusCode.PermissionDenied, () => Directory.ListOrganizationsAsync(request, Fixture.As(admin with { MemberId = Guid.NewGuid().ToString() })).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.ListOrganizationsAsync(request, Fixture.As(admin with { OrganizationId = other.Organization.Id })).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.ListOrganizationsAsync(request, Fixture.As(admin with { Role = Role.NetworkAdmin })).ResponseAsync);
    }

    [SkippableFact]
    public async Task An_oversized_message_is_resource_exhausted_and_stores_nothing()
    {
        var organization = new Organization { Name = new string('x', 2 * 1024 * 1024), Kind = OrganizationKind.Welfare };
        await FailsWith(StatusCode.ResourceExhausted, async () => await Directory.CreateOrganizationAsync(new CreateOrganizationRequest { Organization = organization }, await NetworkAdminAsync()));
    }

    [SkippableFact]
    public async Task Random_bytes_as_a_request_never_crash_the_server_or_answer_internal()
    {
        var marshaller = Marshallers.Create(bytes => bytes, bytes => bytes);
        var invoker = Channel.CreateCallInvoker();
        var admin = await NetworkAdminAsync();
        var random = new Random(20261124);
        foreach (var rpc in new[] { "CreateOrganization", "CreateService", "CreateMember", "UpdateService", "SearchServices", "ListOrganizations" })
        {
            var method = new Method<byte[], byte[]>(MethodType.Unary, OrganizationsService.Descriptor.FullName, rpc, marshaller, marshaller);
            for (var i = 0; i < 40; i++)
            {
                var body = new byte[random.Next(0, 300)];
                random.NextBytes(body);
                try
                {
                    await invoker.AsyncUnaryCall(method, null, admin, body);
                }
                catch (RpcException error)
                {
                    Assert.True(error.StatusCode is not (StatusCode.Internal or StatusCode.Unknown), $"{rpc}: {error.Status}");
                }
            }
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(Channel).CheckAsync(new HealthCheckRequest())).Status);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProtocolTestsOnSqlite(SqliteFixture fixture) : ProtocolTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ProtocolTestsOnPostgres(PostgresFixture fixture) : ProtocolTests(fixture);
