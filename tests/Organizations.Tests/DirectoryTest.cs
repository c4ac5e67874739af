using System.Security.Claims;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Organizations.Data;
using ReferralNet.Platform.Audit;
using AuthOptions = ReferralNet.Platform.Identity.AuthOptions;
using RoleNames = ReferralNet.Platform.Identity.RoleNames;
using SigningKeyStore = ReferralNet.Platform.Identity.SigningKeyStore;
using MemberStanding = ReferralNet.Platform.Identity.MemberStanding;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Organizations.Tests;

/// <summary>
/// Base of the directory tests: a client on the shared host, helpers that build organizations, members and services
/// through the API itself, and a check that the server logged no error while the test ran.
/// </summary>
public abstract class DirectoryTest(ReferralNetFixture fixture) : IDisposable
{
    private readonly int _serverErrorsBefore = fixture.ServerErrors.Errors.Count;
    private readonly List<string> _expectedServerErrors = [];

    protected ReferralNetFixture Fixture { get; } = fixture;

    /// <summary>The directory client; skips the test where its database cannot run.</summary>
    protected OrganizationsService.OrganizationsServiceClient Directory
    {
        get
        {
            Skip.If(Fixture.SkipReason is not null, Fixture.SkipReason);
            return new OrganizationsService.OrganizationsServiceClient(Fixture.Channel);
        }
    }

    protected GrpcChannel Channel
    {
        get
        {
            Skip.If(Fixture.SkipReason is not null, Fixture.SkipReason);
            return Fixture.Channel;
        }
    }

    /// <summary>A name no other test uses.</summary>
    protected static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..Math.Min(200, prefix.Length + 33)];

    /// <summary>A neighbourhood code no other test uses, so search results can be told apart.</summary>
    protected static string UniqueNeighbourhood() => $"testwijk-{Guid.NewGuid():N}"[..30];

    protected async Task<CallOptions> NetworkAdminAsync() => Fixture.As(await Fixture.NetworkAdminAsync());

    /// <summary>Creates an organization with a first org-admin through the API.</summary>
    protected async Task<TestOrganization> NewOrganizationAsync(OrganizationKind kind = OrganizationKind.SocialNeighbourhoodTeam, params string[] neighbourhoods)
    {
        var response = await Directory.CreateOrganizationAsync(new CreateOrganizationRequest
        {
            Organization = new Organization { Name = Unique("Wijkteam"), Kind = kind, Neighbourhoods = { neighbourhoods } },
            FirstAdmin = new FirstAdmin { DisplayName = "Org Admin", Email = $"admin-{Guid.NewGuid():N}@org.test", Languages = { "nl" } },
        }, await NetworkAdminAsync());
        var admin = Standing(response.FirstAdmin);
        return new TestOrganization(response.Organization, response.FirstAdmin, Fixture.As(admin));
    }

    /// <summary>Adds a member to <paramref name="organization"/> through the API and returns it with its call options.</summary>
    protected async Task<(Member Member, CallOptions Call)> NewMemberAsync(TestOrganization organization, MemberRole role = MemberRole.Professional, string profession = "social-worker")
    {
        var member = (await Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member
            {
                OrganizationId = organization.Organization.Id,
                DisplayName = "Sam Jansen",
                Email = $"member-{Guid.NewGuid():N}@org.test",
                Role = role,
                Profession = role == MemberRole.Professional ? profession : "",
                Languages = { "nl", "ar" },
            },
        }, organization.Admin)).Member;
        return (member, Fixture.As(Standing(member)));
    }

    /// <summary>A valid service of <paramref name="organizationId"/> to start from.</summary>
    protected static Service ServiceSpec(string organizationId, params LifeDomain[] domains) => new()
    {
        OrganizationId = organizationId,
        Name = Unique("Schuldhulp spreekuur"),
        Description = "Walk-in debt advice.",
        LifeDomains = { domains.Length > 0 ? domains : [LifeDomain.Debt] },
        Eligibility = new Eligibility { MinAge = 18 },
        Languages = { "nl", "ar" },
        Capacity = new Capacity { OpenPlaces = 5, TypicalWaitDays = 10 },
        AcknowledgementDeadline = Duration.FromTimeSpan(TimeSpan.FromHours(72)),
    };

    protected async Task<Service> NewServiceAsync(TestOrganization organization, Action<Service>? change = null)
    {
        var spec = ServiceSpec(organization.Organization.Id);
        change?.Invoke(spec);
        return (await Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, organization.Admin)).Service;
    }

    /// <summary>Runs <paramref name="call"/>, which must fail with <paramref name="code"/>.</summary>
    protected static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == error.StatusCode, $"Expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }

    /// <summary>Runs <paramref name="call"/>, which must fail with INVALID_ARGUMENT naming <paramref name="field"/>.</summary>
    protected static async Task InvalidField(string field, Func<Task> call)
    {
        var error = await FailsWith(StatusCode.InvalidArgument, call);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(field, badRequest.FieldViolations.Select(v => v.Field));
    }

    /// <summary>Runs <paramref name="call"/>, which must fail with <paramref name="code"/> and the ErrorInfo <paramref name="reason"/>.</summary>
    protected static async Task<RpcException> FailsWith(StatusCode code, string reason, Func<Task> call)
    {
        var error = await FailsWith(code, call);
        Assert.Equal(reason, Reason(error));
        return error;
    }

    /// <summary>The machine-readable reason of a refusal (google.rpc.ErrorInfo).</summary>
    protected static string Reason(RpcException error) => error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason;

    /// <summary>Starts <paramref name="racers"/> calls at the same moment and returns each one's result or gRPC failure.</summary>
    protected static async Task<Outcome<T>[]> RaceAsync<T>(int racers, Func<int, Task<T>> racer)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, racers).Select(async i =>
        {
            await start.Task;
            try
            {
                return new Outcome<T>(await racer(i), null);
            }
            catch (RpcException e)
            {
                return new Outcome<T>(default, e);
            }
        }).ToList();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    /// <summary>Reads the directory's own database the way the service does.</summary>
    protected async Task<T> InDatabase<T>(Func<OrganizationsDbContext, Task<T>> query)
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>());
    }

    /// <summary>The audit records of one subject, oldest first.</summary>
    protected Task<List<AuditRecord>> AuditOf(string subjectId) =>
        InDatabase(db => db.AuditTrail.AsNoTracking().Where(a => a.SubjectId == subjectId).OrderBy(a => a.Sequence).ToListAsync());

    /// <summary>Call options with a token for <paramref name="member"/> signed with <paramref name="key"/> (the development key by default).</summary>
    protected CallOptions Token(MemberStanding member, SecurityKey? key = null, DateTime? expires = null, string issuer = AuthOptions.DevIssuerName, string audience = "referralnet")
    {
        var now = DateTime.UtcNow;
        return ReferralNetFixture.Bearer(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("sub", member.MemberId), new Claim("org", member.OrganizationId), new Claim("role", RoleNames.Of(member.Role))]),
            SigningCredentials = new SigningCredentials(key ?? Fixture.Services.GetRequiredService<SigningKeyStore>().DevKey, SecurityAlgorithms.HmacSha256),
        }));
    }

    /// <summary>Lets the server log errors containing <paramref name="text"/> during this test (a fault the test injects).</summary>
    protected void ExpectServerErrors(string text) => _expectedServerErrors.Add(text);

    /// <summary>Whether the server logged errors is checked after every test: no test may cause one it did not expect.</summary>
    public void Dispose()
    {
        var errors = Fixture.ServerErrors.Errors.Skip(_serverErrorsBefore).Where(e => !_expectedServerErrors.Any(e.Contains)).ToList();
        Assert.True(errors.Count == 0, "The server logged errors:\n" + string.Join("\n", errors));
        GC.SuppressFinalize(this);
    }

    private static MemberStanding Standing(Member member) =>
        new(member.Id, member.OrganizationId, (Role)member.Role, true);
}

/// <summary>What one racing call got: its result, or its failure.</summary>
public sealed record Outcome<T>(T? Result, RpcException? Error);

/// <summary>An organization made for one test, with its org-admin's call options.</summary>
public sealed record TestOrganization(Organization Organization, Member AdminMember, CallOptions Admin);
