namespace ReferralNet.Organizations.Tests;

/// <summary>
/// CheckMembership, the internal RPC other processes check their callers with: what it answers (and nothing more), with
/// the versions a cache needs to keep the newest state, and that only a trusted workload may ask.
/// </summary>
public abstract class CheckMembershipTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    private CallOptions Workload => Fixture.AsWorkload("cases");

    [SkippableFact]
    public async Task Answers_the_membership_with_the_versions_of_the_member_and_its_organization()
    {
        var organization = await NewOrganizationAsync();
        var (member, _) = await NewMemberAsync(organization);

        var membership = (await Directory.CheckMembershipAsync(new CheckMembershipRequest { MemberId = member.Id }, Workload)).Membership;

        Assert.Equal(member.Id, membership.MemberId);
        Assert.Equal(organization.Organization.Id, membership.OrganizationId);
        Assert.Equal(MemberRole.Professional, membership.Role);
        Assert.Equal(member.StartTime, membership.StartTime);
        Assert.Null(membership.EndTime);
        Assert.Equal(member.Etag, membership.MemberVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(organization.Organization.Etag, membership.OrganizationVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(membership.OrganizationActive);
        Assert.Equal((organization.Organization.Kind, member.Profession), (membership.OrganizationKind, membership.Profession));
    }

    [SkippableFact]
    public async Task A_deactivated_organization_shows_in_the_answer_with_a_newer_version()
    {
        var organization = await NewOrganizationAsync();
        var (member, _) = await NewMemberAsync(organization);
        var deactivated = (await Directory.DeactivateOrganizationAsync(
            new DeactivateOrganizationRequest { Id = organization.Organization.Id, Etag = organization.Organization.Etag }, await NetworkAdminAsync())).Organization;

        var membership = (await Directory.CheckMembershipAsync(new CheckMembershipRequest { MemberId = member.Id }, Workload)).Membership;

        Assert.False(membership.OrganizationActive);
        Assert.Equal(deactivated.Etag, membership.OrganizationVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotNull(membership.EndTime);
        Assert.True(membership.MemberVersion > long.Parse(member.Etag, System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task An_unknown_member_has_no_membership()
    {
        var response = await Directory.CheckMembershipAsync(new CheckMembershipRequest { MemberId = Guid.NewGuid().ToString() }, Workload);

        Assert.Null(response.Membership);
    }

    [SkippableFact]
    public async Task Only_workloads_named_in_the_configuration_may_ask()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization, MemberRole.OrgAdmin);
        var request = new CheckMembershipRequest { MemberId = member.Id };

        await FailsWith(StatusCode.PermissionDenied, () => Directory.CheckMembershipAsync(request, call).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.CheckMembershipAsync(request, Fixture.AsWorkload("billing")).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, Workload).ResponseAsync);
    }

    [SkippableFact]
    public async Task Every_check_is_audited_under_the_workload_that_asked()
    {
        var organization = await NewOrganizationAsync();
        var (member, _) = await NewMemberAsync(organization);

        await Directory.CheckMembershipAsync(new CheckMembershipRequest { MemberId = member.Id }, Workload);

        var record = Assert.Single(await AuditOf(member.Id), a => a.Action.EndsWith("/CheckMembership", StringComparison.Ordinal));
        Assert.Equal(("workload:cases", "", "workload", "OK"), (record.MemberId, record.OrganizationId, record.Role, record.Outcome));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CheckMembershipTestsOnSqlite(SqliteFixture fixture) : CheckMembershipTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class CheckMembershipTestsOnPostgres(PostgresFixture fixture) : CheckMembershipTests(fixture);
