using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Audit;

namespace ReferralNet.Organizations.Tests;

public abstract class OrganizationTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    [SkippableFact]
    public async Task Network_admin_creates_an_organization_with_its_first_admin_and_the_change_is_published_and_audited()
    {
        var request = new CreateOrganizationRequest
        {
            Organization = new Organization
            {
                Name = Unique("Buurtcoöperatie Moerwijk"),
                Kind = OrganizationKind.CitizenCooperative,
                Description = "Residents helping residents.",
                Website = "https://coop.example",
                Email = "info@coop.example",
                Phone = "+31 70 555 0199",
                Neighbourhoods = { "moerwijk" },
            },
            FirstAdmin = new FirstAdmin { DisplayName = "Amina Bakr", Email = $"Amina.{Guid.NewGuid():N}@Coop.Example", Languages = { "nl", "ar" } },
        };

        var response = await Directory.CreateOrganizationAsync(request, await NetworkAdminAsync());

        var created = response.Organization;
        Assert.NotEmpty(created.Id);
        Assert.Equal(request.Organization.Name, created.Name);
        Assert.Equal(OrganizationKind.CitizenCooperative, created.Kind);
        Assert.Equal(["moerwijk"], created.Neighbourhoods);
        Assert.True(created.Active);
        Assert.Equal("1", created.Etag);
        Assert.Equal(created.Id, response.FirstAdmin.OrganizationId);
        Assert.Equal(MemberRole.OrgAdmin, response.FirstAdmin.Role);
        Assert.Equal(request.FirstAdmin.Email.ToLowerInvariant(), response.FirstAdmin.Email);
        Assert.Equal(created, (await Directory.GetOrganizationAsync(new GetOrganizationRequest { Id = created.Id }, await NetworkAdminAsync())).Organization);

        var events = await InDatabase(db => db.Outbox.AsNoTracking().Where(m => m.OccurredAt == created.CreateTime.ToDateTimeOffset()).Select(m => m.EventType).ToListAsync());
        Assert.Contains("referralnet.v1.OrganizationChanged", events);
        Assert.Contains("referralnet.v1.MemberChanged", events);
        var audit = Assert.Single(await AuditOf(created.Id));
        Assert.Equal("/referralnet.v1.OrganizationsService/CreateOrganization", audit.Action);
        Assert.Equal(AuditKind.Change, audit.Kind);
        Assert.Equal("network-admin", audit.Role);
        Assert.Equal("OK", audit.Outcome);
    }

    [SkippableFact]
    public async Task Only_network_admins_create_organizations()
    {
        var organization = await NewOrganizationAsync();
        var (_, professional) = await NewMemberAsync(organization);
        var request = new CreateOrganizationRequest { Organization = new Organization { Name = Unique("Nope"), Kind = OrganizationKind.Welfare } };

        await FailsWith(StatusCode.PermissionDenied, () => Directory.CreateOrganizationAsync(request, organization.Admin).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.CreateOrganizationAsync(request, professional).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.CreateOrganizationAsync(request).ResponseAsync);
        Assert.False(await InDatabase(db => db.Organizations.AnyAsync(o => o.Name == request.Organization.Name)));
    }

    public static TheoryData<string, string> InvalidOrganizations => new()
    {
        { "", "organization.name" },
        { "kind", "organization.kind" },
        { "network-office", "organization.kind" },
        { "website", "organization.website" },
        { "email", "organization.email" },
        { "phone", "organization.phone" },
        { "neighbourhood", "organization.neighbourhoods[1]" },
        { "first-admin-email", "first_admin.email" },
        { "missing", "organization" },
        { "long-name", "organization.name" },
        { "nul", "organization.name" },
        { "bell", "organization.neighbourhoods[0]" },
    };

    [SkippableTheory]
    [MemberData(nameof(InvalidOrganizations))]
    public async Task Invalid_organizations_are_refused_field_by_field_and_nothing_is_stored(string defect, string field)
    {
        var name = Unique("Invalid");
        var organization = new Organization { Name = name, Kind = OrganizationKind.Welfare, Neighbourhoods = { "moerwijk", "transvaal" } };
        var request = new CreateOrganizationRequest { Organization = organization };
        switch (defect)
        {
            case "": organization.Name = ""; break;
            case "kind": organization.Kind = OrganizationKind.Unspecified; break;
            case "network-office": organization.Kind = OrganizationKind.NetworkOffice; break;
            case "website": organization.Website = "ftp://files.example"; break;
            case "email": organization.Email = "not-an-address"; break;
            case "phone": organization.Phone = "call me"; break;
            case "neighbourhood": organization.Neighbourhoods[1] = "Transvaal Noord!"; break;
            case "first-admin-email": request.FirstAdmin = new FirstAdmin { DisplayName = "X", Email = "nope" }; break;
            case "missing": request.Organization = null; break;
            case "long-name": organization.Name = new string('x', 201); break;
            case "nul": organization.Name = "Wijk\0team"; break;
            case "bell": organization.Neighbourhoods[0] = "moer\u0007wijk"; break;
        }

        await InvalidField(field, async () => await Directory.CreateOrganizationAsync(request, await NetworkAdminAsync()));
        Assert.False(await InDatabase(db => db.Organizations.AnyAsync(o => o.Name == name)));
    }

    [SkippableFact]
    public async Task A_retried_create_with_the_same_request_id_creates_once_and_answers_the_same()
    {
        var request = new CreateOrganizationRequest
        {
            Organization = new Organization { Name = Unique("Retry"), Kind = OrganizationKind.Welfare },
            FirstAdmin = new FirstAdmin { DisplayName = "Retry Admin", Email = $"retry-{Guid.NewGuid():N}@org.test" },
            RequestId = Guid.NewGuid().ToString(),
        };
        var admin = await NetworkAdminAsync();

        var first = await Directory.CreateOrganizationAsync(request, admin);
        var second = await Directory.CreateOrganizationAsync(request, admin);

        Assert.Equal(first, second);
        Assert.Equal(1, await InDatabase(db => db.Organizations.CountAsync(o => o.Name == request.Organization.Name)));
    }

    [SkippableFact]
    public async Task Concurrent_retries_with_one_request_id_create_once()
    {
        var request = new CreateOrganizationRequest
        {
            Organization = new Organization { Name = Unique("Concurrent"), Kind = OrganizationKind.Welfare },
            RequestId = Guid.NewGuid().ToString(),
        };
        var admin = await NetworkAdminAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Directory.CreateOrganizationAsync(request, admin).ResponseAsync));

        Assert.Single(responses.Select(r => r.Organization.Id).Distinct());
        Assert.Equal(1, await InDatabase(db => db.Organizations.CountAsync(o => o.Name == request.Organization.Name)));
    }

    [SkippableFact]
    public async Task Unknown_organization_is_not_found()
    {
        await FailsWith(StatusCode.NotFound, async () => await Directory.GetOrganizationAsync(new GetOrganizationRequest { Id = Guid.NewGuid().ToString() }, await NetworkAdminAsync()));
        await InvalidField("id", async () => await Directory.GetOrganizationAsync(new GetOrganizationRequest(), await NetworkAdminAsync()));
    }

    [SkippableFact]
    public async Task Listing_pages_through_every_organization_once_in_creation_order()
    {
        var mine = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add((await NewOrganizationAsync(OrganizationKind.PublicHealth)).Organization.Id);
        }

        var caller = (await NewOrganizationAsync()).Admin;
        var seen = new List<string>();
        var request = new ListOrganizationsRequest { Kind = OrganizationKind.PublicHealth, PageSize = 2 };
        do
        {
            var page = await Directory.ListOrganizationsAsync(request, caller);
            Assert.True(page.Organizations.Count <= 2);
            Assert.All(page.Organizations, o => Assert.Equal(OrganizationKind.PublicHealth, o.Kind));
            seen.AddRange(page.Organizations.Select(o => o.Id));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(mine, seen.Where(mine.Contains));
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [SkippableFact]
    public async Task A_page_token_only_works_for_the_query_that_made_it()
    {
        for (var i = 0; i < 2; i++)
        {
            await NewOrganizationAsync(OrganizationKind.PublicHealth);
        }

        var admin = await NetworkAdminAsync();
        var page = await Directory.ListOrganizationsAsync(new ListOrganizationsRequest { Kind = OrganizationKind.PublicHealth, PageSize = 1 }, admin);

        await InvalidField("page_token", () => Directory.ListOrganizationsAsync(new ListOrganizationsRequest { Kind = OrganizationKind.Welfare, PageToken = page.NextPageToken }, admin).ResponseAsync);
        await InvalidField("page_token", () => Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageToken = "not a token" }, admin).ResponseAsync);
        await InvalidField("page_size", () => Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = -1 }, admin).ResponseAsync);
    }

    [SkippableFact]
    public async Task An_org_admin_updates_only_the_masked_fields_of_its_own_organization_with_the_current_etag()
    {
        var organization = await NewOrganizationAsync(OrganizationKind.Welfare, "moerwijk");
        var update = new UpdateOrganizationRequest
        {
            Organization = new Organization { Id = organization.Organization.Id, Etag = organization.Organization.Etag, Name = Unique("Renamed"), Description = "ignored: not in the mask" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name" } },
        };

        var updated = (await Directory.UpdateOrganizationAsync(update, organization.Admin)).Organization;

        Assert.Equal(update.Organization.Name, updated.Name);
        Assert.Equal(organization.Organization.Description, updated.Description);
        Assert.Equal(["moerwijk"], updated.Neighbourhoods);
        Assert.Equal("2", updated.Etag);
        await FailsWith(StatusCode.Aborted, () => Directory.UpdateOrganizationAsync(update, organization.Admin).ResponseAsync);
        Assert.Equal(update.Organization.Name, (await InDatabase(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == updated.Id))).Name);
    }

    [SkippableFact]
    public async Task Updates_are_refused_for_other_organizations_bad_masks_and_invalid_results()
    {
        var organization = await NewOrganizationAsync();
        var other = await NewOrganizationAsync();
        Organization Change(Action<Organization> change)
        {
            var copy = organization.Organization.Clone();
            change(copy);
            return copy;
        }

        await FailsWith(StatusCode.PermissionDenied, () => Directory.UpdateOrganizationAsync(
            new UpdateOrganizationRequest { Organization = Change(o => o.Name = "Taken over") }, other.Admin).ResponseAsync);
        await InvalidField("update_mask", () => Directory.UpdateOrganizationAsync(new UpdateOrganizationRequest
        {
            Organization = Change(o => o.Id = organization.Organization.Id),
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "etag" } },
        }, organization.Admin).ResponseAsync);
        // Without a mask an empty name is "not set" (AIP-134); named in the mask it is a change, and an invalid one.
        await InvalidField("organization.name", () => Directory.UpdateOrganizationAsync(new UpdateOrganizationRequest
        {
            Organization = Change(o => o.Name = ""),
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name" } },
        }, organization.Admin).ResponseAsync);
        await InvalidField("organization.etag", () => Directory.UpdateOrganizationAsync(
            new UpdateOrganizationRequest { Organization = Change(o => o.Etag = "") }, organization.Admin).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Directory.UpdateOrganizationAsync(
            new UpdateOrganizationRequest { Organization = Change(o => o.Id = Guid.NewGuid().ToString()) }, organization.Admin).ResponseAsync);
        Assert.Equal("1", (await Directory.GetOrganizationAsync(new GetOrganizationRequest { Id = organization.Organization.Id }, organization.Admin)).Organization.Etag);
    }

    [SkippableFact]
    public async Task An_organization_whose_member_starts_in_a_century_can_be_deactivated_and_that_member_never_starts()
    {
        var organization = await NewOrganizationAsync();
        var future = (await Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member
            {
                OrganizationId = organization.Organization.Id, DisplayName = "Not Yet", Email = $"later-{Guid.NewGuid():N}@org.test",
                Role = MemberRole.OrgAdmin, Languages = { "nl" }, StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddYears(100)),
            },
        }, organization.Admin)).Member;

        var deactivated = (await Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = organization.Organization.Id }, await NetworkAdminAsync())).Organization;

        Assert.False(deactivated.Active);
        var stored = await InDatabase(db => db.Members.AsNoTracking().SingleAsync(m => m.Id == future.Id));
        Assert.Equal(stored.StartAt, stored.EndAt);
        Assert.False(stored.IsActiveAt(stored.StartAt.AddDays(1)));
    }

    [SkippableFact]
    public async Task Deactivating_an_organization_ends_its_services_and_members()
    {
        var organization = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);
        var (member, memberCall) = await NewMemberAsync(organization);
        var admin = await NetworkAdminAsync();

        await FailsWith(StatusCode.PermissionDenied, () => Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = organization.Organization.Id }, organization.Admin).ResponseAsync);
        await FailsWith(StatusCode.Aborted, () => Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = organization.Organization.Id, Etag = "7" }, admin).ResponseAsync);
        var deactivated = (await Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = organization.Organization.Id, Etag = "1" }, admin)).Organization;

        Assert.False(deactivated.Active);
        Assert.NotNull(deactivated.DeactivateTime);
        Assert.Equal(ServiceStatus.Ended, (await Directory.GetServiceAsync(new GetServiceRequest { Id = service.Id }, admin)).Service.Status);
        var ended = (await Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, admin)).Member;
        Assert.False(ended.Active);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.GetOrganizationAsync(new GetOrganizationRequest { Id = organization.Organization.Id }, memberCall).ResponseAsync);
        await FailsWith(StatusCode.FailedPrecondition, () => Directory.DeactivateOrganizationAsync(new DeactivateOrganizationRequest { Id = organization.Organization.Id }, admin).ResponseAsync);

        var active = await Directory.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = 200, Kind = OrganizationKind.SocialNeighbourhoodTeam }, admin);
        Assert.DoesNotContain(active.Organizations, o => o.Id == deactivated.Id);
    }

    [SkippableFact]
    public async Task The_network_office_cannot_be_deactivated()
    {
        var admin = await Fixture.NetworkAdminAsync();
        await FailsWith(StatusCode.FailedPrecondition, () => Directory.DeactivateOrganizationAsync(
            new DeactivateOrganizationRequest { Id = admin.OrganizationId }, Fixture.As(admin)).ResponseAsync);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class OrganizationTestsOnSqlite(SqliteFixture fixture) : OrganizationTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class OrganizationTestsOnPostgres(PostgresFixture fixture) : OrganizationTests(fixture);
