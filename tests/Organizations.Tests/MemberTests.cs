using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Audit;

namespace ReferralNet.Organizations.Tests;

public abstract class MemberTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    [SkippableFact]
    public async Task An_org_admin_adds_a_professional_and_reading_members_is_audited()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization, profession: "debt-counsellor");

        var read = (await Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, call)).Member;

        Assert.Equal(member, read);
        Assert.Equal("debt-counsellor", read.Profession);
        Assert.Equal(MemberRole.Professional, read.Role);
        Assert.True(read.Active);
        var audit = await AuditOf(member.Id);
        Assert.Equal(["/referralnet.v1.OrganizationsService/CreateMember", "/referralnet.v1.OrganizationsService/GetMember"], audit.Select(a => a.Action));
        Assert.Equal(AuditKind.Read, audit[1].Kind);
        Assert.Equal(member.Id, audit[1].MemberId);
        Assert.Equal(organization.Organization.Id, audit[1].OrganizationId);
        Assert.Equal("professional", audit[1].Role);
        var verification = await Fixture.Services.GetServices<IAuditVerifier>().Single(v => v.Service == "organizations").VerifyAsync(null, CancellationToken.None);
        Assert.True(verification.Intact, verification.Finding?.Detail);
    }

    [SkippableFact]
    public async Task Members_of_another_organization_look_missing_and_their_list_is_refused()
    {
        var organization = await NewOrganizationAsync();
        var other = await NewOrganizationAsync();
        var (member, _) = await NewMemberAsync(organization);

        await FailsWith(StatusCode.NotFound, () => Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, other.Admin).ResponseAsync);
        var missing = await FailsWith(StatusCode.NotFound, () => Directory.GetMemberAsync(new GetMemberRequest { Id = Guid.NewGuid().ToString() }, other.Admin).ResponseAsync);
        Assert.StartsWith("Member '", missing.Status.Detail);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.ListMembersAsync(new ListMembersRequest { OrganizationId = organization.Organization.Id }, other.Admin).ResponseAsync);
        var renamed = member.Clone();
        renamed.DisplayName = "Changed by others";
        await FailsWith(StatusCode.NotFound, () => Directory.UpdateMemberAsync(new UpdateMemberRequest { Member = renamed }, other.Admin).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id }, other.Admin).ResponseAsync);
        var createInOther = await FailsWith(StatusCode.PermissionDenied, () => Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member { OrganizationId = organization.Organization.Id, DisplayName = "Intruder", Email = $"x-{Guid.NewGuid():N}@org.test", Role = MemberRole.OrgAdmin },
        }, other.Admin).ResponseAsync);
        Assert.Equal(member, (await Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, await NetworkAdminAsync())).Member);
        var failed = (await AuditOf(member.Id)).Where(a => a.Outcome == "NotFound").ToList();
        Assert.Equal(3, failed.Count);
        Assert.All(failed, a => Assert.Equal(other.Organization.Id, a.OrganizationId));
    }

    [SkippableFact]
    public async Task Professionals_list_their_own_colleagues_but_cannot_manage_them()
    {
        var organization = await NewOrganizationAsync();
        var (colleague, _) = await NewMemberAsync(organization);
        var (_, professional) = await NewMemberAsync(organization);

        var list = await Directory.ListMembersAsync(new ListMembersRequest { OrganizationId = organization.Organization.Id }, professional);
        Assert.Equal(3, list.Members.Count);
        var renamed = colleague.Clone();
        renamed.DisplayName = "Renamed";
        await FailsWith(StatusCode.PermissionDenied, () => Directory.UpdateMemberAsync(new UpdateMemberRequest { Member = renamed }, professional).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = colleague.Id }, professional).ResponseAsync);
    }

    public static TheoryData<string, string> InvalidMembers => new()
    {
        { "profession", "member.profession" },
        { "profession-format", "member.profession" },
        { "email", "member.email" },
        { "role", "member.role" },
        { "language", "member.languages[0]" },
        { "name", "member.display_name" },
        { "end", "member.end_time" },
    };

    [SkippableTheory]
    [MemberData(nameof(InvalidMembers))]
    public async Task Invalid_members_are_refused_field_by_field(string defect, string field)
    {
        var organization = await NewOrganizationAsync();
        var member = new Member
        {
            OrganizationId = organization.Organization.Id,
            DisplayName = "Layla Haddou",
            Email = $"layla-{Guid.NewGuid():N}@org.test",
            Role = MemberRole.Professional,
            Profession = "social-worker",
            Languages = { "nl" },
        };
        switch (defect)
        {
            case "profession": member.Profession = ""; break;
            case "profession-format": member.Profession = "Social Worker"; break;
            case "email": member.Email = "layla@"; break;
            case "role": member.Role = (MemberRole)42; break;
            case "language": member.Languages[0] = "Dutch"; break;
            case "name": member.DisplayName = ""; break;
            case "end": member.EndTime = new Timestamp { Nanos = -5 }; break;
        }

        await InvalidField(field, () => Directory.CreateMemberAsync(new CreateMemberRequest { Member = member }, organization.Admin).ResponseAsync);
        Assert.False(await InDatabase(db => db.Members.AnyAsync(m => m.Email == member.Email)));
    }

    [SkippableFact]
    public async Task E_mail_addresses_are_unique_in_the_network()
    {
        var organization = await NewOrganizationAsync();
        var other = await NewOrganizationAsync();

        var error = await FailsWith(StatusCode.AlreadyExists, () => Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member { OrganizationId = other.Organization.Id, DisplayName = "Copy", Email = organization.AdminMember.Email.ToUpperInvariant(), Role = MemberRole.OrgAdmin },
        }, other.Admin).ResponseAsync);
        Assert.Contains("member.email", error.Status.Detail);
    }

    [SkippableFact]
    public async Task Only_the_network_office_has_network_administrators()
    {
        var organization = await NewOrganizationAsync();
        await FailsWith(StatusCode.FailedPrecondition, () => Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member { OrganizationId = organization.Organization.Id, DisplayName = "Would-be admin", Email = $"na-{Guid.NewGuid():N}@org.test", Role = MemberRole.NetworkAdmin },
        }, organization.Admin).ResponseAsync);

        var networkAdmin = await Fixture.NetworkAdminAsync();
        var second = (await Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member { OrganizationId = networkAdmin.OrganizationId, DisplayName = "Second admin", Email = $"na-{Guid.NewGuid():N}@office.test", Role = MemberRole.NetworkAdmin },
        }, Fixture.As(networkAdmin))).Member;
        Assert.Equal(MemberRole.NetworkAdmin, second.Role);
    }

    [SkippableFact]
    public async Task An_ended_member_is_refused_on_the_next_call_even_with_a_valid_token()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        await Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, call);

        var ended = (await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id, Etag = member.Etag }, organization.Admin)).Member;

        Assert.False(ended.Active);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, call).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, () => Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id }, organization.Admin).ResponseAsync);
        var renamed = ended.Clone();
        renamed.DisplayName = "Back again";
        await FailsWith(StatusCode.FailedPrecondition, () => Directory.UpdateMemberAsync(new UpdateMemberRequest { Member = renamed }, organization.Admin).ResponseAsync);
        var inactive = await Directory.ListMembersAsync(new ListMembersRequest { OrganizationId = organization.Organization.Id }, organization.Admin);
        Assert.DoesNotContain(inactive.Members, m => m.Id == member.Id);
        var all = await Directory.ListMembersAsync(new ListMembersRequest { OrganizationId = organization.Organization.Id, IncludeInactive = true }, organization.Admin);
        Assert.Contains(all.Members, m => m.Id == member.Id);
    }

    [SkippableFact]
    public async Task A_planned_departure_keeps_the_member_active_until_then()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        var leaving = DateTimeOffset.UtcNow.AddDays(30);
        var stored = Timestamp.FromDateTimeOffset(leaving.AddTicks(-(leaving.Ticks % 10)));

        var planned = (await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id, EndTime = Timestamp.FromDateTimeOffset(leaving) }, organization.Admin)).Member;

        Assert.True(planned.Active);
        Assert.Equal(stored, planned.EndTime);
        Assert.Equal(planned, (await Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, call)).Member);
    }

    [SkippableFact]
    public async Task A_token_stops_working_when_the_member_changes_role()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        var change = new UpdateMemberRequest
        {
            Member = new Member { Id = member.Id, Etag = member.Etag, Role = MemberRole.PrivacyOfficer, Profession = "" },
            UpdateMask = new FieldMask { Paths = { "role", "profession" } },
        };

        var changed = (await Directory.UpdateMemberAsync(change, organization.Admin)).Member;

        Assert.Equal(MemberRole.PrivacyOfficer, changed.Role);
        Assert.Equal(member.DisplayName, changed.DisplayName);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, call).ResponseAsync);
        await FailsWith(StatusCode.Aborted, () => Directory.UpdateMemberAsync(change, organization.Admin).ResponseAsync);
    }

    [SkippableFact]
    public async Task Changing_the_e_mail_to_a_taken_address_is_refused()
    {
        var organization = await NewOrganizationAsync();
        var (member, _) = await NewMemberAsync(organization);
        var change = new UpdateMemberRequest
        {
            Member = new Member { Id = member.Id, Etag = member.Etag, Email = organization.AdminMember.Email },
            UpdateMask = new FieldMask { Paths = { "email" } },
        };

        await FailsWith(StatusCode.AlreadyExists, () => Directory.UpdateMemberAsync(change, organization.Admin).ResponseAsync);
        Assert.Equal(member.Email, (await Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, organization.Admin)).Member.Email);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class MemberTestsOnSqlite(SqliteFixture fixture) : MemberTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class MemberTestsOnPostgres(PostgresFixture fixture) : MemberTests(fixture);
