using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Audit;
using MemberStanding = ReferralNet.Platform.Identity.MemberStanding;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Organizations.Tests;

/// <summary>
/// The directory's rules as they must hold in a real network: under races (a deactivation against creates, two
/// org-admins ending each other), when the last org-admin has left, and against an org-admin probing e-mail addresses.
/// </summary>
public abstract class DirectoryRulesTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    private const int Rounds = 6;

    // A create refused by the organization's state must pass the door before the deactivation commits and take the
    // organization's lock after it: a window of a few hundred microseconds, missed in some rounds on a fast path.
    private const int MaxRounds = 60;
    private const int Creates = 12;

    [SkippableFact]
    public async Task A_deactivation_racing_creates_leaves_no_active_service_or_member_in_the_organization()
    {
        var networkAdmin = await NetworkAdminAsync();
        var succeeded = 0;
        var refusedByState = 0;
        var refusedAtDoor = 0;
        for (var round = 0; round < Rounds || (round < MaxRounds && refusedByState == 0); round++)
        {
            var organization = await NewOrganizationAsync();

            // The first half of the creates start at once; the deactivation and the second half start when two have
            // answered, so some creates commit before the deactivation and others arrive while it runs.
            var answered = 0;
            var twoAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var deactivation = Task.Run(async () =>
            {
                await twoAnswered.Task;
                return (await Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = organization.Organization.Id }, networkAdmin)).Organization;
            });
            var creates = await RaceAsync(Creates, async i =>
            {
                if (i >= Creates / 2)
                {
                    await twoAnswered.Task;
                }

                try
                {
                    return i % 2 == 0
                        ? (await Directory.CreateServiceAsync(new CreateServiceRequest { Service = ServiceSpec(organization.Organization.Id) }, organization.Admin)).Service.Id
                        : (await Directory.CreateMemberAsync(new CreateMemberRequest { Member = MemberSpec(organization, $"racer-{i}") }, organization.Admin)).Member.Id;
                }
                finally
                {
                    if (Interlocked.Increment(ref answered) == 2)
                    {
                        twoAnswered.SetResult();
                    }
                }
            });
            var deactivated = await deactivation;

            Assert.False(deactivated.Active);
            var end = deactivated.DeactivateTime;
            for (var i = 0; i < Creates; i++)
            {
                if (creates[i].Error is { } error)
                {
                    // Refused by the organization's state, or at the door: its caller, an org-admin of the organization,
                    // was ended by the deactivation before the call arrived.
                    if (error.StatusCode == StatusCode.PermissionDenied)
                    {
                        refusedAtDoor++;
                    }
                    else
                    {
                        Assert.True(error.StatusCode == StatusCode.FailedPrecondition && Reason(error) == "ORGANIZATION_DEACTIVATED", $"create {i}: {error.Status}");
                        refusedByState++;
                    }
                }
                else if (i % 2 == 0)
                {
                    var service = (await Directory.GetServiceAsync(new GetServiceRequest { Id = creates[i].Result }, networkAdmin)).Service;
                    Assert.Equal(ServiceStatus.Ended, service.Status);
                    Assert.Equal(end, service.ActiveEndTime);
                    succeeded++;
                }
                else
                {
                    var member = (await Directory.GetMemberAsync(new GetMemberRequest { Id = creates[i].Result }, networkAdmin)).Member;
                    Assert.False(member.Active);
                    Assert.Equal(end, member.EndTime);
                    succeeded++;
                }
            }

            var id = organization.Organization.Id;
            var endedAt = await InDatabase(db => db.Organizations.AsNoTracking().Where(o => o.Id == id).Select(o => o.DeactivatedAt).SingleAsync());
            Assert.False(await InDatabase(db => db.Services.AnyAsync(s => s.OrganizationId == id && (s.ActiveUntil == null || s.ActiveUntil > endedAt))));
            Assert.False(await InDatabase(db => db.Members.AnyAsync(m => m.OrganizationId == id && (m.EndAt == null || m.EndAt > endedAt))));
        }

        // Both sides of the race happened: creates that landed first and were ended, and creates that came too late
        // and were refused by the organization's state in their own transaction.
        Assert.True(succeeded > 0 && refusedByState > 0, $"{succeeded} creates succeeded, {refusedByState} were refused as deactivated, {refusedAtDoor} at the door");
    }

    [SkippableFact]
    public async Task The_last_active_org_admin_can_be_neither_ended_nor_demoted()
    {
        var organization = await NewOrganizationAsync();
        var admin = organization.AdminMember;

        await FailsWith(StatusCode.FailedPrecondition, "LAST_ORG_ADMIN", () => Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = admin.Id }, organization.Admin).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "LAST_ORG_ADMIN", () => Directory.DeactivateMemberAsync(
            new DeactivateMemberRequest { Id = admin.Id, EndTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)) }, organization.Admin).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, "LAST_ORG_ADMIN", () => Directory.UpdateMemberAsync(Demotion(admin), organization.Admin).ResponseAsync);
        Assert.Equal(admin, (await Directory.GetMemberAsync(new GetMemberRequest { Id = admin.Id }, organization.Admin)).Member);

        // A professional is no administrator, and an org-admin starting after the planned departure leaves a gap.
        var (professional, _) = await NewMemberAsync(organization);
        var departure = DateTimeOffset.UtcNow.AddDays(30);
        var late = await NewMemberAsync(organization, MemberRole.OrgAdmin, startAt: departure.AddDays(1));
        await FailsWith(StatusCode.FailedPrecondition, "LAST_ORG_ADMIN", () => Directory.DeactivateMemberAsync(
            new DeactivateMemberRequest { Id = admin.Id, EndTime = Timestamp.FromDateTimeOffset(departure) }, organization.Admin).ResponseAsync);

        // A successor who starts by the departure is enough.
        await NewMemberAsync(organization, MemberRole.OrgAdmin, startAt: departure.AddDays(-1));
        var planned = (await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = admin.Id, EndTime = Timestamp.FromDateTimeOffset(departure) }, organization.Admin)).Member;
        Assert.True(planned.Active);
        Assert.NotNull(planned.EndTime);
        Assert.False((await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = professional.Id }, organization.Admin)).Member.Active);
        var cancelled = (await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = late.Member.Id, EndTime = late.Member.StartTime }, organization.Admin)).Member;
        Assert.Equal(cancelled.StartTime, cancelled.EndTime);

        // Demoting oneself is fine while another administrator is active now; the successor who starts later does not
        // count for an end now.
        var (colleague, colleagueCall) = await NewMemberAsync(organization, MemberRole.OrgAdmin);
        var demoted = (await Directory.UpdateMemberAsync(Demotion(colleague), colleagueCall)).Member;
        Assert.Equal(MemberRole.Professional, demoted.Role);
        await FailsWith(StatusCode.FailedPrecondition, "LAST_ORG_ADMIN", () => Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = admin.Id }, organization.Admin).ResponseAsync);
    }

    [SkippableFact]
    public async Task Two_org_admins_ending_or_demoting_each_other_at_once_leave_one()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var organization = await NewOrganizationAsync();
            var first = (organization.AdminMember, organization.Admin);
            var second = await NewMemberAsync(organization, MemberRole.OrgAdmin);
            var pair = new[] { first, second };

            // Each ends (even rounds) or demotes (odd rounds) the other at the same moment.
            var outcomes = await RaceAsync(2, async i =>
            {
                var (other, caller) = (pair[1 - i].Item1, pair[i].Item2);
                return round % 2 == 0
                    ? (await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = other.Id }, caller)).Member
                    : (await Directory.UpdateMemberAsync(Demotion(other), caller)).Member;
            });

            Assert.Single(outcomes, o => o.Error is null);
            var refusal = Assert.Single(outcomes, o => o.Error is not null).Error!;

            // The loser is refused by the rule, or at the door when its own membership or role went first.
            Assert.True(
                (refusal.StatusCode == StatusCode.FailedPrecondition && Reason(refusal) == "LAST_ORG_ADMIN") || refusal.StatusCode == StatusCode.PermissionDenied,
                refusal.Status.ToString());
            var members = await Directory.ListMembersAsync(new ListMembersRequest { OrganizationId = organization.Organization.Id }, await NetworkAdminAsync());
            Assert.Single(members.Members, m => m.Role == MemberRole.OrgAdmin && m.Active);
        }
    }

    [SkippableFact]
    public async Task A_network_admin_appoints_the_org_admin_of_an_organization_without_one_and_the_trail_says_so()
    {
        var networkAdmin = await NetworkAdminAsync();
        var office = await Fixture.NetworkAdminAsync();
        var organization = (await Directory.CreateOrganizationAsync(new CreateOrganizationRequest
        {
            Organization = new Organization { Name = Unique("Buurtcoöperatie"), Kind = OrganizationKind.CitizenCooperative },
        }, networkAdmin)).Organization;

        // Creating members in another organization stays refused to a network administrator; appointing is the one way.
        await FailsWith(StatusCode.PermissionDenied, () => Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member { OrganizationId = organization.Id, DisplayName = "Via the back door", Email = $"door-{Guid.NewGuid():N}@org.test", Role = MemberRole.OrgAdmin },
        }, networkAdmin).ResponseAsync);

        var appointment = new AppointOrgAdminRequest
        {
            OrganizationId = organization.Id,
            NewMember = new FirstAdmin { DisplayName = "Fatima Ouali", Email = $"fatima-{Guid.NewGuid():N}@org.test", Languages = { "nl", "ar" } },
            RequestId = Guid.NewGuid().ToString(),
        };
        var appointed = (await Directory.AppointOrgAdminAsync(appointment, networkAdmin)).Member;

        Assert.Equal(MemberRole.OrgAdmin, appointed.Role);
        Assert.Equal(organization.Id, appointed.OrganizationId);
        Assert.True(appointed.Active);
        Assert.Equal(appointed, (await Directory.AppointOrgAdminAsync(appointment, networkAdmin)).Member);
        var records = await AuditOf(appointed.Id);
        Assert.Equal(["AppointOrgAdmin", "AppointOrgAdmin"], records.Select(a => a.Action.Split('/')[^1]));
        var record = records[0];
        Assert.Equal("OK", record.Outcome);
        Assert.Equal(AuditKind.Change, record.Kind);
        Assert.Equal("org-admin-appointment-by-network-admin", record.Purpose);
        Assert.Equal(office.MemberId, record.MemberId);
        Assert.Equal(office.OrganizationId, record.OrganizationId);
        Assert.Equal("network-admin", record.Role);

        // The new org-admin runs the organization; from now on the network administrator may not appoint there.
        var orgAdmin = Fixture.As(new MemberStanding(appointed.Id, organization.Id, Role.OrgAdmin, true));
        Assert.NotEmpty((await Directory.CreateServiceAsync(new CreateServiceRequest { Service = ServiceSpec(organization.Id) }, orgAdmin)).Service.Id);
        var (professional, _) = await NewMemberAsync(new TestOrganization(organization, appointed, orgAdmin));
        await FailsWith(StatusCode.FailedPrecondition, "ORGANIZATION_HAS_ADMIN", () => Directory.AppointOrgAdminAsync(
            new AppointOrgAdminRequest { OrganizationId = organization.Id, MemberId = professional.Id }, networkAdmin).ResponseAsync);
        var refused = Assert.Single(await AuditOf(professional.Id), a => a.Action.EndsWith("/AppointOrgAdmin", StringComparison.Ordinal));
        Assert.Equal("FailedPrecondition", refused.Outcome);
        Assert.Equal(MemberRole.Professional, (await Directory.GetMemberAsync(new GetMemberRequest { Id = professional.Id }, orgAdmin)).Member.Role);
    }

    [SkippableFact]
    public async Task When_the_last_org_admin_has_left_a_network_admin_promotes_a_member_and_no_one_else_may()
    {
        var networkAdmin = await NetworkAdminAsync();
        var organization = await NewOrganizationAsync();
        var other = await NewOrganizationAsync();
        var (professional, _) = await NewMemberAsync(organization);
        var (stranger, _) = await NewMemberAsync(other);
        var request = new AppointOrgAdminRequest { OrganizationId = organization.Organization.Id, MemberId = professional.Id };

        await FailsWith(StatusCode.FailedPrecondition, "ORGANIZATION_HAS_ADMIN", () => Directory.AppointOrgAdminAsync(request, networkAdmin).ResponseAsync);

        // The org-admin's planned departure has passed (written as time would have left it).
        var adminId = organization.AdminMember.Id;
        var left = DateTimeOffset.UtcNow.AddMinutes(-1);
        await InDatabase(db => db.Members.Where(m => m.Id == adminId).ExecuteUpdateAsync(set => set.SetProperty(m => m.EndAt, left)));

        await FailsWith(StatusCode.PermissionDenied, () => Directory.AppointOrgAdminAsync(request, other.Admin).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.UpdateMemberAsync(new UpdateMemberRequest
        {
            Member = new Member { Id = professional.Id, Etag = professional.Etag, Role = MemberRole.OrgAdmin },
            UpdateMask = new FieldMask { Paths = { "role" } },
        }, networkAdmin).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Directory.AppointOrgAdminAsync(
            new AppointOrgAdminRequest { OrganizationId = organization.Organization.Id, MemberId = stranger.Id }, networkAdmin).ResponseAsync);
        var promoted = (await Directory.AppointOrgAdminAsync(request, networkAdmin)).Member;

        Assert.Equal(MemberRole.OrgAdmin, promoted.Role);
        Assert.Equal(professional.DisplayName, promoted.DisplayName);
        Assert.NotEqual(professional.Etag, promoted.Etag);

        // A deactivated organization gets no org-admin.
        var closed = await NewOrganizationAsync();
        await Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = closed.Organization.Id }, networkAdmin);
        await FailsWith(StatusCode.FailedPrecondition, "ORGANIZATION_DEACTIVATED", () => Directory.AppointOrgAdminAsync(new AppointOrgAdminRequest
        {
            OrganizationId = closed.Organization.Id,
            NewMember = new FirstAdmin { DisplayName = "Too late", Email = $"late-{Guid.NewGuid():N}@org.test" },
        }, networkAdmin).ResponseAsync);
    }

    [SkippableFact]
    public async Task A_taken_e_mail_gets_the_same_answer_whichever_organization_holds_it()
    {
        var caller = await NewOrganizationAsync();
        var (own, _) = await NewMemberAsync(caller);
        var elsewhere = await NewOrganizationAsync();
        var (active, _) = await NewMemberAsync(elsewhere);
        var (ended, _) = await NewMemberAsync(elsewhere);
        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = ended.Id }, elsewhere.Admin);
        var closed = await NewOrganizationAsync();
        var (ofClosed, _) = await NewMemberAsync(closed);
        await Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = closed.Organization.Id }, await NetworkAdminAsync());
        var (changing, _) = await NewMemberAsync(caller);

        var answers = new List<(string Detail, byte[] Status)>();
        foreach (var email in new[] { own.Email, active.Email, ended.Email, ofClosed.Email, elsewhere.AdminMember.Email.ToUpperInvariant() })
        {
            var create = await FailsWith(StatusCode.AlreadyExists, "EMAIL_TAKEN", () => Directory.CreateMemberAsync(
                new CreateMemberRequest { Member = MemberSpec(caller, "copy", email) }, caller.Admin).ResponseAsync);
            var update = await FailsWith(StatusCode.AlreadyExists, "EMAIL_TAKEN", () => Directory.UpdateMemberAsync(new UpdateMemberRequest
            {
                Member = new Member { Id = changing.Id, Etag = changing.Etag, Email = email },
                UpdateMask = new FieldMask { Paths = { "email" } },
            }, caller.Admin).ResponseAsync);
            Assert.Equal(create.Status.Detail, update.Status.Detail);
            answers.Add((create.Status.Detail, create.GetRpcStatus()!.ToByteArray()));
        }

        // Byte for byte the same status, and nothing in it that names who holds the address.
        Assert.Single(answers.Select(a => Convert.ToBase64String(a.Status)).Distinct());
        var detail = answers[0].Detail;
        foreach (var hint in new[] { elsewhere.Organization.Id, elsewhere.Organization.Name, closed.Organization.Id, closed.Organization.Name, active.Id, active.DisplayName, own.Id })
        {
            Assert.DoesNotContain(hint, detail, StringComparison.OrdinalIgnoreCase);
        }
    }

    [SkippableFact]
    public async Task Two_organizations_taking_one_e_mail_at_once_get_one_member_and_the_same_refusal()
    {
        var left = await NewOrganizationAsync();
        var right = await NewOrganizationAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var email = $"contested-{Guid.NewGuid():N}@org.test";
            var outcomes = await RaceAsync(2, async i =>
            {
                var organization = i == 0 ? left : right;
                return (await Directory.CreateMemberAsync(new CreateMemberRequest { Member = MemberSpec(organization, "twin", email) }, organization.Admin)).Member;
            });

            Assert.Single(outcomes, o => o.Error is null);
            var refusal = Assert.Single(outcomes, o => o.Error is not null).Error!;
            Assert.Equal(StatusCode.AlreadyExists, refusal.StatusCode);
            Assert.Equal("EMAIL_TAKEN", Reason(refusal));
            Assert.Equal("member.email: this e-mail address is already in use in the network.", refusal.Status.Detail);
        }
    }

    private static Member MemberSpec(TestOrganization organization, string name, string? email = null) => new()
    {
        OrganizationId = organization.Organization.Id,
        DisplayName = $"Member {name}",
        Email = email ?? $"{name}-{Guid.NewGuid():N}@org.test",
        Role = MemberRole.Professional,
        Profession = "social-worker",
        Languages = { "nl" },
    };

    private static UpdateMemberRequest Demotion(Member member) => new()
    {
        Member = new Member { Id = member.Id, Etag = member.Etag, Role = MemberRole.Professional, Profession = "social-worker" },
        UpdateMask = new FieldMask { Paths = { "role", "profession" } },
    };

    private async Task<(Member Member, CallOptions Call)> NewMemberAsync(TestOrganization organization, MemberRole role, DateTimeOffset startAt)
    {
        var spec = MemberSpec(organization, "admin");
        spec.Role = role;
        spec.Profession = "";
        spec.StartTime = Timestamp.FromDateTimeOffset(startAt);
        var member = (await Directory.CreateMemberAsync(new CreateMemberRequest { Member = spec }, organization.Admin)).Member;
        return (member, Fixture.As(new MemberStanding(member.Id, member.OrganizationId, (Role)member.Role, true)));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DirectoryRulesTestsOnSqlite(SqliteFixture fixture) : DirectoryRulesTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class DirectoryRulesTestsOnPostgres(PostgresFixture fixture) : DirectoryRulesTests(fixture);
