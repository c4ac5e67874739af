using Google.Protobuf;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using ReferralNet.Contracts.V1;
using Xunit;
using MemberStanding = ReferralNet.Platform.Identity.MemberStanding;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Testing;

/// <summary>
/// Base of the tests against the shared host: clients, helpers that build organizations and members through the API
/// itself, assertions on gRPC refusals, and a check that the server logged no error while the test ran.
/// </summary>
public abstract class HostTest(ReferralNetFixture fixture) : IDisposable
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

    /// <summary>
    /// Reads until <paramref name="read"/> answers: what another service keeps from events arrives after their
    /// commits, through the outbox. The bound fails a test that waits for what never comes; it measures nothing.
    /// </summary>
    protected static async Task<T> EventuallyAsync<T>(TimeSpan within, Func<Task<T?>> read)
        where T : class
    {
        using var bound = new CancellationTokenSource(within);
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), bound.Token);
        }
    }

    /// <summary>A name no other test uses.</summary>
    protected static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..Math.Min(200, prefix.Length + 33)];

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

    /// <summary>
    /// Round after round, <paramref name="racers"/> calls send the same etag at once: exactly one wins, the rest are
    /// ABORTED, and the version moves on by exactly one.
    /// </summary>
    protected static async Task RaceRoundsAsync<T>(int racers, int rounds, Func<string, int, int, Task<T>> update, Func<Task<string>> currentEtag)
    {
        var etag = await currentEtag();
        for (var round = 0; round < rounds; round++)
        {
            var sent = etag;
            var outcomes = (await RaceAsync(racers, i => update(sent, round, i))).Select(o => o.Error?.StatusCode).ToList();

            Assert.Equal(1, outcomes.Count(o => o is null));
            Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(StatusCode.Aborted, o));
            etag = await currentEtag();
            Assert.Equal(long.Parse(sent, System.Globalization.CultureInfo.InvariantCulture) + 1, long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The empty request of <paramref name="rpc"/> of <paramref name="service"/>.</summary>
    protected static IMessage EmptyRequest(ServiceDescriptor service, string rpc) =>
        service.Methods.Single(m => m.Name == rpc).InputType.Parser.ParseFrom(ByteString.Empty);

    /// <summary>Calls <paramref name="rpc"/> of <paramref name="service"/> with raw bytes, as a client of any language would.</summary>
    protected async Task CallRawAsync(ServiceDescriptor service, string rpc, IMessage request, CallOptions options)
    {
        var raw = Marshallers.Create<byte[]>(bytes => bytes, bytes => bytes);
        var method = new Method<byte[], byte[]>(MethodType.Unary, service.FullName, rpc, raw, raw);
        await Channel.CreateCallInvoker().AsyncUnaryCall(method, null, options, request.ToByteArray());
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

    /// <summary>The standing a token of <paramref name="member"/> claims.</summary>
    protected static MemberStanding Standing(Member member) =>
        new(member.Id, member.OrganizationId, (Role)member.Role, true);
}

/// <summary>What one racing call got: its result, or its failure.</summary>
public sealed record Outcome<T>(T? Result, RpcException? Error);

/// <summary>An organization made for one test, with its org-admin's call options.</summary>
public sealed record TestOrganization(Organization Organization, Member AdminMember, CallOptions Admin);
