using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Organizations.Tests;

/// <summary>
/// What a hostile or careless integrator sends: forged page tokens, reused request ids, masks that would wipe data,
/// requests built to produce enormous errors. Each gets a deliberate, bounded status and changes nothing it should not.
/// </summary>
public abstract class HostileClientTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    [SkippableFact]
    public async Task Forged_truncated_and_foreign_page_tokens_are_invalid_arguments_on_page_token()
    {
        var admin = await NetworkAdminAsync();
        var organization = await NewOrganizationAsync();
        await NewServiceAsync(organization);
        await NewServiceAsync(organization);
        var genuine = (await Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = 1 }, admin)).NextPageToken;
        var ofServices = (await Directory.ListServicesAsync(new ListServicesRequest { OrganizationId = organization.Organization.Id, PageSize = 1 }, admin)).NextPageToken;
        Assert.NotEmpty(genuine);
        Assert.NotEmpty(ofServices);

        // Unsigned tokens in the old format: an empty and a two-element key list once threw inside the server.
        string[] forgeries =
        [
            Base64Url("""{"keys":[],"filters":"|False"}"""), Base64Url("""{"keys":["a","b"],"filters":"|False"}"""), Base64Url("null"),
            genuine[..^3], genuine + "AA", "!!!", new string('A', 4000), ofServices,
        ];
        foreach (var token in forgeries)
        {
            var error = await FailsWith(StatusCode.InvalidArgument, () => Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageToken = token }, admin).ResponseAsync);
            Assert.Equal("page_token", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
            Assert.Equal("INVALID_PAGE_TOKEN", error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        }

        // The same token with other filters is foreign too.
        await FailsWith(StatusCode.InvalidArgument, () => Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageToken = genuine, IncludeInactive = true }, admin).ResponseAsync);
        Assert.NotEmpty((await Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageToken = genuine, PageSize = 1 }, admin)).Organizations);
    }

    [SkippableFact]
    public async Task An_update_without_a_mask_changes_only_the_fields_it_sets()
    {
        var organization = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);

        var updated = (await Directory.UpdateServiceAsync(new UpdateServiceRequest
        {
            Service = new Service { Id = service.Id, Etag = service.Etag, Name = "Renamed spreekuur" },
        }, organization.Admin)).Service;

        Assert.Equal("Renamed spreekuur", updated.Name);
        Assert.Equal(service.Description, updated.Description);
        Assert.Equal(service.LifeDomains, updated.LifeDomains);
        Assert.Equal(service.Languages, updated.Languages);
        Assert.Equal(service.Capacity, updated.Capacity);
        Assert.Equal(service.AcknowledgementDeadline, updated.AcknowledgementDeadline);
        Assert.Equal(service.Eligibility, updated.Eligibility);
    }

    [SkippableFact]
    public async Task A_thousand_bad_strings_get_a_bounded_answer_that_arrives()
    {
        var organization = await NewOrganizationAsync();
        var spec = ServiceSpec(organization.Organization.Id);
        spec.Languages.Clear();
        spec.Languages.AddRange(Enumerable.Range(0, 1000).Select(i => $"bad\u0001{new string('x', 100)}{i}"));

        var error = await FailsWith(StatusCode.InvalidArgument, () => Directory.CreateServiceAsync(
            new CreateServiceRequest { Service = spec }, organization.Admin.WithDeadline(DateTime.UtcNow.AddSeconds(20))).ResponseAsync);

        var status = error.GetRpcStatus()!;
        Assert.Equal(20, status.GetDetail<BadRequest>().FieldViolations.Count);
        Assert.Equal("service.languages[0]", status.GetDetail<BadRequest>().FieldViolations[0].Field);
        Assert.True(status.CalculateSize() < 8 * 1024, $"status of {status.CalculateSize()} bytes");
        Assert.Contains("and 997 more", status.Message);
        Assert.Empty((await Directory.ListServicesAsync(new ListServicesRequest { OrganizationId = organization.Organization.Id }, organization.Admin)).Services);
    }

    [SkippableFact]
    public async Task Three_thousand_unknown_mask_paths_get_a_bounded_answer_that_arrives()
    {
        var organization = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);
        var mask = new FieldMask();
        mask.Paths.AddRange(Enumerable.Range(0, 3000).Select(i => $"no_such_field_{i}_{new string('y', 40)}"));

        var error = await FailsWith(StatusCode.InvalidArgument, () => Directory.UpdateServiceAsync(new UpdateServiceRequest
        {
            Service = new Service { Id = service.Id, Etag = service.Etag, Name = "x" },
            UpdateMask = mask,
        }, organization.Admin.WithDeadline(DateTime.UtcNow.AddSeconds(20))).ResponseAsync);

        var status = error.GetRpcStatus()!;
        Assert.Equal("update_mask", Assert.Single(status.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.True(status.CalculateSize() < 2 * 1024, $"status of {status.CalculateSize()} bytes");
        Assert.Equal(service.Name, (await Directory.GetServiceAsync(new GetServiceRequest { Id = service.Id }, organization.Admin)).Service.Name);
    }

    [SkippableFact]
    public async Task Refusals_carry_a_machine_readable_reason()
    {
        var organization = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);
        var admin = await NetworkAdminAsync();

        var stale = await FailsWith(StatusCode.Aborted, () => Directory.UpdateServiceAsync(
            new UpdateServiceRequest { Service = new Service { Id = service.Id, Etag = "999", Name = "x" } }, organization.Admin).ResponseAsync);
        Assert.Equal("ETAG_MISMATCH", Reason(stale));

        var deactivated = (await Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = organization.Organization.Id }, admin)).Organization;
        var again = await FailsWith(StatusCode.FailedPrecondition, () => Directory.DeactivateOrganizationAsync(
            new DeactivateOrganizationRequest { Id = deactivated.Id, Etag = deactivated.Etag }, admin).ResponseAsync);
        Assert.Equal("ORGANIZATION_DEACTIVATED", Reason(again));

        var missing = await FailsWith(StatusCode.NotFound, () => Directory.GetServiceAsync(new GetServiceRequest { Id = Guid.NewGuid().ToString() }, admin).ResponseAsync);
        Assert.Equal("NOT_FOUND", Reason(missing));
    }

    [SkippableFact]
    public async Task A_request_id_reused_with_another_request_is_refused_and_creates_nothing()
    {
        var organization = await NewOrganizationAsync();
        var requestId = Guid.NewGuid().ToString();
        var first = ServiceSpec(organization.Organization.Id);
        var created = (await Directory.CreateServiceAsync(new CreateServiceRequest { RequestId = requestId, Service = first }, organization.Admin)).Service;

        var other = ServiceSpec(organization.Organization.Id);
        var error = await FailsWith(StatusCode.InvalidArgument, () => Directory.CreateServiceAsync(new CreateServiceRequest { RequestId = requestId, Service = other }, organization.Admin).ResponseAsync);

        Assert.Equal("request_id", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal("REQUEST_ID_REUSED", Reason(error));
        Assert.False(await InDatabase(db => db.Services.AnyAsync(s => s.Name == other.Name)));
        var replayed = (await Directory.CreateServiceAsync(new CreateServiceRequest { RequestId = requestId, Service = first }, organization.Admin)).Service;
        Assert.Equal(created, replayed);
    }

    [SkippableFact]
    public async Task A_replay_is_authorized_again_and_a_caller_whose_rights_ended_gets_no_stored_answer()
    {
        var organization = await NewOrganizationAsync();
        var (second, secondAdmin) = await NewMemberAsync(organization, MemberRole.OrgAdmin);
        var request = new CreateServiceRequest { RequestId = Guid.NewGuid().ToString(), Service = ServiceSpec(organization.Organization.Id) };
        await Directory.CreateServiceAsync(request, secondAdmin);

        var ended = (await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = second.Id, Etag = second.Etag }, organization.Admin)).Member;
        Assert.NotNull(ended.EndTime);

        await FailsWith(StatusCode.PermissionDenied, () => Directory.CreateServiceAsync(request, secondAdmin).ResponseAsync);

        // Another organization's admin replaying it is refused at the authorization check, before any stored answer is looked up.
        var other = await NewOrganizationAsync();
        await FailsWith(StatusCode.PermissionDenied, () => Directory.CreateServiceAsync(request, other.Admin).ResponseAsync);
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

[Collection(SqliteCollection.Name)]
public sealed class HostileClientTestsOnSqlite(SqliteFixture fixture) : HostileClientTests(fixture)
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_data_folder_its_databases_and_keys_are_the_owners_alone()
    {
        // A second page needs the page-token key, which is made on first use.
        Assert.NotEmpty((await Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = 1 }, await NetworkAdminAsync())).NextPageToken);
        const UnixFileMode group = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;
        const UnixFileMode others = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var files = System.IO.Directory.GetFiles(Fixture.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("organizations.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("PageTokens.key", StringComparison.Ordinal));
        foreach (var path in System.IO.Directory.GetDirectories(Fixture.DataDirectory, "*", SearchOption.AllDirectories).Append(Fixture.DataDirectory).Concat(files))
        {
            Assert.True((File.GetUnixFileMode(path) & (group | others)) == 0, $"{path} is {File.GetUnixFileMode(path)}");
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class HostileClientTestsOnPostgres(PostgresFixture fixture) : HostileClientTests(fixture);
