using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Contracts.V1;
using ReferralNet.Organizations.Data;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Identity;
using MemberRole = ReferralNet.Contracts.V1.MemberRole;
using ReferralNet.Platform.Messaging;
using ReferralNet.Platform.Tests.Probe;
using ReferralNet.Testing;
using Role = ReferralNet.Platform.Identity.MemberRole;
using Standing = ReferralNet.Platform.Identity.MemberStanding;

namespace ReferralNet.Platform.Tests;

/// <summary>
/// A process that does not run the organizations service admits and refuses callers through the platform alone: its
/// membership cache, filled by CheckMembership over real gRPC from the real organizations host, kept current by the
/// directory's events, guarded by versions; long-lived streams end when the membership does.
/// </summary>
public abstract class IdentityTests(IdentityHosts hosts) : IDisposable
{
    private const string CheckMembershipMethod = "/referralnet.v1.OrganizationsService/CheckMembership";
    private readonly int _serverErrorsBefore = hosts.ServerErrors.Errors.Count;

    private OrganizationsService.OrganizationsServiceClient Directory
    {
        get
        {
            Skip.If(hosts.SkipReason is not null, hosts.SkipReason);
            return new OrganizationsService.OrganizationsServiceClient(hosts.Organizations.Channel);
        }
    }

    private ProbeService.ProbeServiceClient Probe => new(hosts.Probe);

    private async Task<List<AuditRecord>> ProbeAuditAsync(string memberId)
    {
        await using var scope = hosts.ProbeServices.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDbContext>().AuditTrail.AsNoTracking()
            .Where(r => r.MemberId == memberId).OrderBy(r => r.Sequence).ToListAsync();
    }

    [SkippableFact]
    public async Task An_active_member_passes_and_the_directory_audits_the_workload_that_asked()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);

        var answer = await Probe.WhoAmIAsync(new WhoAmIRequest(), call);

        Assert.Equal(member.Id, answer.MemberId);
        var check = Assert.Single(await CheckMembershipAuditAsync(member.Id));
        Assert.Equal(("workload:probe", "", "workload", "OK"), (check.MemberId, check.OrganizationId, check.Role, check.Outcome));
    }

    [SkippableFact]
    public async Task An_audited_stream_is_recorded_when_it_opens_and_for_every_message_before_it_leaves()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);

        using var count = Probe.Count(new CountRequest { To = 3 }, call);
        Assert.True(await count.ResponseStream.MoveNext(CancellationToken.None));
        // By the time the first number arrives, the stream's opening and that message are on record (the server may be ahead).
        var beforeFirst = await ProbeAuditAsync(member.Id);
        Assert.Equal([(AuditInterceptor.StreamOpened, null), (AuditInterceptor.Delivered, "number-1")], beforeFirst.Take(2).Select(r => (r.Outcome, r.SubjectId)));
        while (await count.ResponseStream.MoveNext(CancellationToken.None))
        {
        }

        var records = await ProbeAuditAsync(member.Id);
        Assert.Equal(
            [(AuditInterceptor.StreamOpened, null), (AuditInterceptor.Delivered, "number-1"), (AuditInterceptor.Delivered, "number-2"),
             (AuditInterceptor.Delivered, "number-3"), ("OK", "number-3")],
            records.Select(r => (r.Outcome, r.SubjectId)));
        Assert.All(records, r => Assert.Equal((organization.Organization.Id, "/referralnet.tests.v1.ProbeService/Count"), (r.OrganizationId, r.Action)));
    }

    [SkippableFact]
    public async Task An_ended_member_a_wrong_role_another_organization_and_a_stranger_are_refused()
    {
        var organization = await NewOrganizationAsync();
        var other = await NewOrganizationAsync();
        var now = hosts.Clock.GetUtcNow();
        var (ended, endedCall) = await NewMemberAsync(organization, start: now.AddDays(-2), end: now.AddDays(-1));
        var (member, _) = await NewMemberAsync(organization);

        await Refused(StatusCode.PermissionDenied, endedCall);
        await Refused(StatusCode.PermissionDenied, As(new Standing(member.Id, member.OrganizationId, Role.OrgAdmin, true)));
        await Refused(StatusCode.PermissionDenied, As(new Standing(member.Id, other.Organization.Id, Role.Professional, true)));
        await Refused(StatusCode.PermissionDenied, As(new Standing("no-such-member", organization.Organization.Id, Role.Professional, true)));
        Assert.Single(await CheckMembershipAuditAsync(ended.Id));
    }

    [SkippableFact]
    public async Task After_a_MemberChanged_event_the_next_call_sees_the_change()
    {
        var organization = await NewOrganizationAsync();
        var (member, asProfessional) = await NewMemberAsync(organization);
        await Probe.WhoAmIAsync(new WhoAmIRequest(), asProfessional);

        var changed = (await Directory.UpdateMemberAsync(new UpdateMemberRequest
        {
            Member = new Member { Id = member.Id, Etag = member.Etag, Role = MemberRole.PrivacyOfficer },
            UpdateMask = new FieldMask { Paths = { "role", "profession" } },
        }, organization.Admin)).Member;
        await hosts.Bridge.MemberChangedAsync(member.Id, long.Parse(changed.Etag));

        await Refused(StatusCode.PermissionDenied, asProfessional);
        await Probe.WhoAmIAsync(new WhoAmIRequest(), As(new Standing(member.Id, member.OrganizationId, Role.PrivacyOfficer, true)));

        // The event alone told the probe: the directory was asked once, before the change.
        Assert.Single(await CheckMembershipAuditAsync(member.Id));
    }

    [SkippableFact]
    public async Task The_caller_carries_the_profession_and_organization_kind_the_directory_holds_not_the_token()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);

        var answer = await Probe.WhoAmIAsync(new WhoAmIRequest(), call);
        Assert.Equal(("social-worker", "SocialNeighbourhoodTeam"), (answer.Profession, answer.OrganizationKind));

        // A change of profession reaches the probe's next call through MemberChanged, as access rules that depend on it need.
        var changed = (await Directory.UpdateMemberAsync(new UpdateMemberRequest
        {
            Member = new Member { Id = member.Id, Etag = member.Etag, Profession = "gp" },
            UpdateMask = new FieldMask { Paths = { "profession" } },
        }, organization.Admin)).Member;
        await hosts.Bridge.MemberChangedAsync(member.Id, long.Parse(changed.Etag));

        Assert.Equal("gp", (await Probe.WhoAmIAsync(new WhoAmIRequest(), call)).Profession);
    }

    [SkippableFact]
    public async Task A_late_old_event_does_not_restore_an_old_state()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        var created = await hosts.Bridge.MemberChangedAsync(member.Id, 1);
        await Probe.WhoAmIAsync(new WhoAmIRequest(), call);

        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id, Etag = member.Etag }, organization.Admin);
        await hosts.Bridge.MemberChangedAsync(member.Id, 2);
        await Refused(StatusCode.PermissionDenied, call);

        // The broker delivers the creation again, and once more under another id (a replay): neither brings the member back.
        await hosts.Bridge.DeliverAsync(created);
        await hosts.Bridge.DeliverAsync(created with { Id = Guid.NewGuid() });
        await Refused(StatusCode.PermissionDenied, call);
    }

    [SkippableFact]
    public async Task An_OrganizationChanged_deactivation_refuses_every_cached_member_of_the_organization()
    {
        var organization = await NewOrganizationAsync();
        var (_, first) = await NewMemberAsync(organization);
        var (_, second) = await NewMemberAsync(organization);
        await Probe.WhoAmIAsync(new WhoAmIRequest(), first);
        await Probe.WhoAmIAsync(new WhoAmIRequest(), second);

        // The members' own MemberChanged events stay away: the organization's event alone must refuse them.
        var id = organization.Organization.Id;
        hosts.Bridge.Hold(e => IsMemberChangedOf(e, id));
        try
        {
            await Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = id }, await NetworkAdminAsync());
            await hosts.Bridge.SeenAsync(e => EventBridge.Parse<OrganizationChanged>(e) is { Organization.Active: false } changed && changed.Organization.Id == id);

            await Refused(StatusCode.PermissionDenied, first);
            await Refused(StatusCode.PermissionDenied, second);
        }
        finally
        {
            hosts.Bridge.HoldNothing();
        }
    }

    [SkippableFact]
    public async Task A_read_that_started_before_a_change_loses_against_the_change()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        await hosts.Bridge.MemberChangedAsync(member.Id, 1);

        // The probe asks the directory; the directory has answered "active, version 1", and the answer is on its way…
        var held = hosts.HeldAnswers.HoldNext(member.Id);
        var racing = Probe.WhoAmIAsync(new WhoAmIRequest(), call).ResponseAsync;
        await held.Answered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // …when the member is ended and the event (version 2) reaches the probe first.
        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id, Etag = member.Etag }, organization.Admin);
        await hosts.Bridge.MemberChangedAsync(member.Id, 2);
        held.Released.SetResult();

        var error = await Assert.ThrowsAsync<RpcException>(() => racing);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        await Refused(StatusCode.PermissionDenied, call);
    }

    [SkippableFact]
    public async Task A_lost_event_heals_within_the_refresh_bound()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        await Probe.WhoAmIAsync(new WhoAmIRequest(), call);

        hosts.Bridge.Hold(e => EventBridge.Parse<MemberChanged>(e)?.Member.Id == member.Id);
        try
        {
            await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id, Etag = member.Etag }, organization.Admin);
            await hosts.Bridge.MemberChangedAsync(member.Id, 2);

            // The event is lost: the probe trusts what it read until the refresh bound, and not a moment longer.
            await Probe.WhoAmIAsync(new WhoAmIRequest(), call);
            hosts.Clock.Advance(IdentityHosts.MembershipRefresh);
            await Refused(StatusCode.PermissionDenied, call);
        }
        finally
        {
            hosts.Bridge.HoldNothing();
        }
    }

    [SkippableFact]
    public async Task Only_a_trusted_workload_token_may_call_CheckMembership()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        var request = new CheckMembershipRequest { MemberId = member.Id };

        var answer = await Directory.CheckMembershipAsync(request, hosts.AsWorkload(IdentityHosts.ProbeWorkload));
        Assert.Equal((member.Id, organization.Organization.Id, MemberRole.Professional, true), (answer.Membership.MemberId, answer.Membership.OrganizationId, answer.Membership.Role, answer.Membership.OrganizationActive));

        await FailsWith(StatusCode.PermissionDenied, () => Directory.CheckMembershipAsync(request, call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, async () => await Directory.CheckMembershipAsync(request, await NetworkAdminAsync()));
        await FailsWith(StatusCode.PermissionDenied, () => Directory.CheckMembershipAsync(request, hosts.AsWorkload("intruder")).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.CheckMembershipAsync(request).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_workload_token_cannot_call_member_rpcs()
    {
        var workload = hosts.AsWorkload(IdentityHosts.ProbeWorkload);

        await Refused(StatusCode.PermissionDenied, workload);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.ListOrganizationsAsync(new ListOrganizationsRequest(), workload).ResponseAsync);
        using var stream = Probe.Watch(new WatchRequest(), workload);
        await FailsWith(StatusCode.PermissionDenied, () => stream.ResponseStream.MoveNext());
    }

    [SkippableFact]
    public async Task No_member_token_acts_as_a_workload_and_no_token_acts_as_both()
    {
        var organization = await NewOrganizationAsync();
        var (member, _) = await NewMemberAsync(organization);
        var auth = hosts.Organizations.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        Dictionary<string, object> memberClaims = new()
        {
            [Caller.Claims.Member] = member.Id,
            [Caller.Claims.Organization] = member.OrganizationId,
            [Caller.Claims.Role] = "professional",
            [Workload.NameClaim] = IdentityHosts.ProbeWorkload,
        };
        var memberNamingAWorkload = Token(auth, memberClaims, auth.Audience);
        var bothAudiences = Token(auth, memberClaims, auth.Audience, auth.WorkloadAudience);
        var request = new CheckMembershipRequest { MemberId = member.Id };

        await Probe.WhoAmIAsync(new WhoAmIRequest(), memberNamingAWorkload);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.CheckMembershipAsync(request, memberNamingAWorkload).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.CheckMembershipAsync(request, bothAudiences).ResponseAsync);
        await Refused(StatusCode.PermissionDenied, bothAudiences);
    }

    [SkippableFact]
    public async Task A_token_accepted_once_is_remembered_while_its_lifetime_key_issuer_and_audience_are_checked_on_every_call()
    {
        Skip.If(hosts.SkipReason is not null, hosts.SkipReason);
        var jwt = hosts.ProbeServices.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var handler = Assert.Single(jwt.TokenHandlers);
        var token = hosts.ProbeServices.GetRequiredService<DevTokenIssuer>().Issue(new Standing(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Role.Professional, true));

        // As the bearer handler does on every call: a copy of the configured parameters.
        TokenValidationParameters Parameters(Action<TokenValidationParameters>? change = null)
        {
            var parameters = jwt.TokenValidationParameters.Clone();
            change?.Invoke(parameters);
            return parameters;
        }

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());
        Assert.True(first.IsValid && second.IsValid);
        Assert.Same(first.SecurityToken, second.SecurityToken);

        // Each call has its own claims: what one call's principal gains, the next does not see.
        first.ClaimsIdentity.AddClaim(new System.Security.Claims.Claim(Caller.Claims.Role, "NetworkAdmin"));
        Assert.DoesNotContain(second.ClaimsIdentity.Claims, claim => claim.Value == "NetworkAdmin");
        Assert.DoesNotContain((await handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity.Claims, claim => claim.Value == "NetworkAdmin");

        var otherKey = await handler.ValidateTokenAsync(token, Parameters(p => p.IssuerSigningKeys = [new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))]));
        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(otherKey.Exception);
        var otherIssuer = await handler.ValidateTokenAsync(token, Parameters(p => p.ValidIssuers = ["https://elsewhere.example"]));
        Assert.IsType<SecurityTokenInvalidIssuerException>(otherIssuer.Exception);
        var otherAudience = await handler.ValidateTokenAsync(token, Parameters(p => p.ValidAudiences = ["someone-else"]));
        Assert.IsType<SecurityTokenInvalidAudienceException>(otherAudience.Exception);

        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        hosts.Clock.Advance(hosts.ProbeServices.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokenLifetime + jwt.TokenValidationParameters.ClockSkew + TimeSpan.FromSeconds(1));
        Assert.IsType<SecurityTokenExpiredException>((await handler.ValidateTokenAsync(token, Parameters())).Exception);
    }

    [SkippableFact]
    public async Task A_stream_ends_with_UNAUTHENTICATED_when_its_token_expires_on_the_deployment_clock()
    {
        var organization = await NewOrganizationAsync();
        var (_, call) = await NewMemberAsync(organization);
        using var stream = Probe.Watch(new WatchRequest(), call);
        Assert.True(await stream.ResponseStream.MoveNext());

        hosts.Clock.Advance(hosts.Organizations.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokenLifetime + IdentityHosts.StreamRecheck);

        await FailsWith(StatusCode.Unauthenticated, () => stream.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)));
        await Refused(StatusCode.Unauthenticated, call);
    }

    [SkippableFact]
    public async Task A_stream_ends_with_PERMISSION_DENIED_when_the_membership_reaches_its_end()
    {
        var organization = await NewOrganizationAsync();
        var now = hosts.Clock.GetUtcNow();
        var (_, call) = await NewMemberAsync(organization, end: now + (3 * IdentityHosts.StreamRecheck));
        using var stream = Probe.Watch(new WatchRequest(), call);
        Assert.True(await stream.ResponseStream.MoveNext());

        hosts.Clock.Advance(4 * IdentityHosts.StreamRecheck);

        await FailsWith(StatusCode.PermissionDenied, () => stream.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [SkippableFact]
    public async Task A_stream_ends_with_PERMISSION_DENIED_at_the_next_recheck_after_a_MemberChanged_event()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        using var stream = Probe.Watch(new WatchRequest(), call);
        Assert.True(await stream.ResponseStream.MoveNext());

        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id, Etag = member.Etag }, organization.Admin);
        await hosts.Bridge.MemberChangedAsync(member.Id, 2);
        hosts.Clock.Advance(IdentityHosts.StreamRecheck);

        var error = await FailsWith(StatusCode.PermissionDenied, () => stream.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("MEMBERSHIP_ENDED", error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }

    [SkippableFact]
    public async Task An_unreachable_directory_answers_UNAVAILABLE_not_PERMISSION_DENIED()
    {
        var organization = await NewOrganizationAsync();
        var (_, call) = await NewMemberAsync(organization);
        var directory = System.IO.Directory.CreateTempSubdirectory("referralnet-probe-").FullName;
        var unreachable = await IdentityHosts.StartProbeAsync(hosts.Organizations, hosts.Clock, peerInterceptor: null, directory, peerAddress: "http://127.0.0.1:9");
        try
        {
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(IdentityHosts.AddressOf(unreachable.Services));
            var error = await FailsWith(StatusCode.Unavailable, () => new ProbeService.ProbeServiceClient(channel).WhoAmIAsync(new WhoAmIRequest(), call).ResponseAsync);
            Assert.Equal("MEMBERSHIP_UNAVAILABLE", error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        }
        finally
        {
            await unreachable.StopAsync();
            await unreachable.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>No test may make either host log an error.</summary>
    public void Dispose()
    {
        var errors = hosts.ServerErrors.Errors.Skip(_serverErrorsBefore).ToList();
        Assert.True(errors.Count == 0, "A host logged errors:\n" + string.Join("\n", errors));
        GC.SuppressFinalize(this);
    }

    private CallOptions As(Standing member) => hosts.Organizations.As(member);

    // A token signed with the deployment's key, with any claims and audiences: what a careless or hostile issuer could mint.
    private CallOptions Token(AuthOptions auth, Dictionary<string, object> claims, params string[] audiences)
    {
        var now = hosts.Clock.GetUtcNow().UtcDateTime;
        return ReferralNetFixture.Bearer(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.DevIssuerName,
            Claims = new Dictionary<string, object>(claims) { [TokenAudience.Claim] = audiences },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(auth.SigningKey!)), SecurityAlgorithms.HmacSha256),
        }));
    }

    private async Task<CallOptions> NetworkAdminAsync() => As(await hosts.Organizations.NetworkAdminAsync());

    private async Task<(Organization Organization, CallOptions Admin)> NewOrganizationAsync()
    {
        var created = await Directory.CreateOrganizationAsync(new CreateOrganizationRequest
        {
            Organization = new Organization { Name = $"Wijkteam {Guid.NewGuid():N}", Kind = OrganizationKind.SocialNeighbourhoodTeam },
            FirstAdmin = new FirstAdmin { DisplayName = "Org Admin", Email = $"admin-{Guid.NewGuid():N}@org.test" },
        }, await NetworkAdminAsync());
        return (created.Organization, As(new Standing(created.FirstAdmin.Id, created.Organization.Id, Role.OrgAdmin, true)));
    }

    private async Task<(Member Member, CallOptions Call)> NewMemberAsync(
        (Organization Organization, CallOptions Admin) organization, DateTimeOffset? start = null, DateTimeOffset? end = null)
    {
        var member = (await Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member
            {
                OrganizationId = organization.Organization.Id,
                DisplayName = "Sam Jansen",
                Email = $"member-{Guid.NewGuid():N}@org.test",
                Role = MemberRole.Professional,
                Profession = "social-worker",
                StartTime = start?.ToTimestamp(),
                EndTime = end?.ToTimestamp(),
            },
        }, organization.Admin)).Member;
        return (member, As(new Standing(member.Id, member.OrganizationId, Role.Professional, true)));
    }

    private async Task Refused(StatusCode code, CallOptions call) =>
        await FailsWith(code, () => Probe.WhoAmIAsync(new WhoAmIRequest(), call).ResponseAsync);

    private static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == error.StatusCode, $"Expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }

    private static bool IsMemberChangedOf(IntegrationEvent integrationEvent, string organizationId) =>
        EventBridge.Parse<MemberChanged>(integrationEvent)?.Member.OrganizationId == organizationId;

    private async Task<List<AuditRecord>> CheckMembershipAuditAsync(string memberId)
    {
        await using var scope = hosts.Organizations.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>().AuditTrail.AsNoTracking()
            .Where(a => a.Action == CheckMembershipMethod && a.SubjectId == memberId)
            .ToListAsync();
    }
}

[Collection(SqliteIdentityCollection.Name)]
public sealed class IdentityTestsOnSqlite(SqliteIdentityHosts hosts) : IdentityTests(hosts);

[Collection(PostgresIdentityCollection.Name)]
public sealed class IdentityTestsOnPostgres(PostgresIdentityHosts hosts) : IdentityTests(hosts);
