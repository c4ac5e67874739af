using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Organizations.Tests;

public abstract class ServiceTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    [SkippableFact]
    public async Task An_org_admin_adds_a_service_to_its_organization()
    {
        var organization = await NewOrganizationAsync();
        var spec = ServiceSpec(organization.Organization.Id, LifeDomain.Debt, LifeDomain.Income);
        spec.Eligibility = new Eligibility { MinAge = 18, MaxAge = 67, Neighbourhoods = { "moerwijk" } };

        var service = (await Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, organization.Admin)).Service;

        Assert.Equal(organization.Organization.Id, service.OrganizationId);
        Assert.Equal(spec.Name, service.Name);
        Assert.Equal([LifeDomain.Debt, LifeDomain.Income], service.LifeDomains);
        Assert.Equal(18, service.Eligibility.MinAge);
        Assert.Equal(67, service.Eligibility.MaxAge);
        Assert.Equal(["moerwijk"], service.Eligibility.Neighbourhoods);
        Assert.Equal(ServiceStatus.Active, service.Status);
        Assert.Equal(TimeSpan.FromHours(72), service.AcknowledgementDeadline.ToTimeSpan());
        Assert.Null(service.ActiveEndTime);
        Assert.Equal(service, (await Directory.GetServiceAsync(new GetServiceRequest { Id = service.Id }, organization.Admin)).Service);
        Assert.True(await InDatabase(db => db.Outbox.AnyAsync(m => m.EventType == "referralnet.v1.ServiceChanged" && m.OccurredAt == service.CreateTime.ToDateTimeOffset())));
        Assert.Equal("OK", Assert.Single(await AuditOf(service.Id)).Outcome);
    }

    [SkippableFact]
    public async Task Only_the_own_org_admin_adds_services()
    {
        var organization = await NewOrganizationAsync();
        var other = await NewOrganizationAsync();
        var (_, professional) = await NewMemberAsync(organization);
        var spec = ServiceSpec(organization.Organization.Id);

        await FailsWith(StatusCode.PermissionDenied, () => Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, other.Admin).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, professional).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, async () => await Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, await NetworkAdminAsync()));
        spec.OrganizationId = Guid.NewGuid().ToString();
        await FailsWith(StatusCode.NotFound, () => Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, organization.Admin).ResponseAsync);
        Assert.False(await InDatabase(db => db.Services.AnyAsync(s => s.Name == spec.Name)));
    }

    public static TheoryData<string, string> InvalidServices => new()
    {
        { "no-domains", "service.life_domains" },
        { "unspecified-domain", "service.life_domains[1]" },
        { "undefined-domain", "service.life_domains[0]" },
        { "language", "service.languages[1]" },
        { "no-languages", "service.languages" },
        { "ages", "service.eligibility.max_age" },
        { "age", "service.eligibility.min_age" },
        { "neighbourhood", "service.eligibility.neighbourhoods[0]" },
        { "deadline", "service.acknowledgement_deadline" },
        { "no-deadline", "service.acknowledgement_deadline" },
        { "places", "service.capacity.open_places" },
        { "no-capacity", "service.capacity" },
        { "period", "service.active_end_time" },
        { "timestamp", "service.active_start_time" },
        { "organization", "service.organization_id" },
        { "name", "service.name" },
    };

    [SkippableTheory]
    [MemberData(nameof(InvalidServices))]
    public async Task Invalid_services_are_refused_field_by_field_and_nothing_is_stored(string defect, string field)
    {
        var organization = await NewOrganizationAsync();
        var spec = ServiceSpec(organization.Organization.Id, LifeDomain.Debt, LifeDomain.Housing);
        switch (defect)
        {
            case "no-domains": spec.LifeDomains.Clear(); break;
            case "unspecified-domain": spec.LifeDomains[1] = LifeDomain.Unspecified; break;
            case "undefined-domain": spec.LifeDomains[0] = (LifeDomain)99; break;
            case "language": spec.Languages[1] = "Arabic"; break;
            case "no-languages": spec.Languages.Clear(); break;
            case "ages": spec.Eligibility = new Eligibility { MinAge = 40, MaxAge = 30 }; break;
            case "age": spec.Eligibility = new Eligibility { MinAge = -1 }; break;
            case "neighbourhood": spec.Eligibility = new Eligibility { Neighbourhoods = { "Den Haag Zuid" } }; break;
            case "deadline": spec.AcknowledgementDeadline = Duration.FromTimeSpan(TimeSpan.FromMinutes(10)); break;
            case "no-deadline": spec.AcknowledgementDeadline = null; break;
            case "places": spec.Capacity.OpenPlaces = -3; break;
            case "no-capacity": spec.Capacity = null; break;
            case "period":
                spec.ActiveStartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
                spec.ActiveEndTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1));
                break;
            case "timestamp": spec.ActiveStartTime = new Timestamp { Seconds = long.MaxValue }; break;
            case "organization": spec.OrganizationId = ""; break;
            case "name": spec.Name = " "; break;
        }

        await InvalidField(field, () => Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, organization.Admin).ResponseAsync);
        Assert.False(await InDatabase(db => db.Services.AnyAsync(s => s.OrganizationId == organization.Organization.Id)));
    }

    [SkippableFact]
    public async Task A_masked_update_changes_capacity_only_and_needs_the_current_etag()
    {
        var organization = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);
        var update = new UpdateServiceRequest
        {
            Service = new Service { Id = service.Id, Etag = service.Etag, Capacity = new Capacity { OpenPlaces = 0 }, Name = "not in mask" },
            UpdateMask = new FieldMask { Paths = { "capacity.open_places" } },
        };

        var updated = (await Directory.UpdateServiceAsync(update, organization.Admin)).Service;

        Assert.Equal(0, updated.Capacity.OpenPlaces);
        Assert.Equal(service.Capacity.TypicalWaitDays, updated.Capacity.TypicalWaitDays);
        Assert.Equal(service.Name, updated.Name);
        Assert.Equal("2", updated.Etag);
        await FailsWith(StatusCode.Aborted, () => Directory.UpdateServiceAsync(update, organization.Admin).ResponseAsync);
        update.Service.Etag = updated.Etag;
        update.UpdateMask.Paths[0] = "organization_id";
        await InvalidField("update_mask", () => Directory.UpdateServiceAsync(update, organization.Admin).ResponseAsync);
    }

    [SkippableFact]
    public async Task An_update_whose_result_breaks_the_rules_is_refused_with_the_field()
    {
        var organization = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);
        var update = new UpdateServiceRequest
        {
            Service = new Service { Id = service.Id, Etag = service.Etag, Eligibility = new Eligibility { MaxAge = 12 } },
            UpdateMask = new FieldMask { Paths = { "eligibility.max_age" } },
        };

        await InvalidField("service.eligibility.max_age", () => Directory.UpdateServiceAsync(update, organization.Admin).ResponseAsync);
        Assert.Equal(service, (await Directory.GetServiceAsync(new GetServiceRequest { Id = service.Id }, organization.Admin)).Service);
    }

    [SkippableFact]
    public async Task Another_organization_cannot_change_or_end_a_service()
    {
        var organization = await NewOrganizationAsync();
        var other = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);
        var renamed = service.Clone();
        renamed.Name = "Hijacked";

        await FailsWith(StatusCode.PermissionDenied, () => Directory.UpdateServiceAsync(new UpdateServiceRequest { Service = renamed }, other.Admin).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.DeactivateServiceAsync(new DeactivateServiceRequest { Id = service.Id }, other.Admin).ResponseAsync);
        Assert.Equal(service, (await Directory.GetServiceAsync(new GetServiceRequest { Id = service.Id }, other.Admin)).Service);
    }

    [SkippableFact]
    public async Task A_deactivated_service_has_ended_and_is_listed_only_on_request()
    {
        var organization = await NewOrganizationAsync();
        var kept = await NewServiceAsync(organization);
        var service = await NewServiceAsync(organization);

        var ended = (await Directory.DeactivateServiceAsync(new DeactivateServiceRequest { Id = service.Id, Etag = service.Etag }, organization.Admin)).Service;

        Assert.Equal(ServiceStatus.Ended, ended.Status);
        Assert.NotNull(ended.ActiveEndTime);
        await FailsWith(StatusCode.FailedPrecondition, () => Directory.DeactivateServiceAsync(new DeactivateServiceRequest { Id = service.Id }, organization.Admin).ResponseAsync);
        var active = await Directory.ListServicesAsync(new ListServicesRequest { OrganizationId = organization.Organization.Id }, organization.Admin);
        Assert.Equal([kept.Id], active.Services.Select(s => s.Id));
        var all = await Directory.ListServicesAsync(new ListServicesRequest { OrganizationId = organization.Organization.Id, IncludeInactive = true }, organization.Admin);
        Assert.Equal([kept.Id, service.Id], all.Services.Select(s => s.Id));
    }

    [SkippableFact]
    public async Task Services_of_an_organization_page_in_creation_order()
    {
        var organization = await NewOrganizationAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await NewServiceAsync(organization)).Id);
        }

        var seen = new List<string>();
        var request = new ListServicesRequest { OrganizationId = organization.Organization.Id, PageSize = 2 };
        do
        {
            var page = await Directory.ListServicesAsync(request, organization.Admin);
            seen.AddRange(page.Services.Select(s => s.Id));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(ids, seen);
        await FailsWith(StatusCode.NotFound, () => Directory.ListServicesAsync(new ListServicesRequest { OrganizationId = Guid.NewGuid().ToString() }, organization.Admin).ResponseAsync);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ServiceTestsOnSqlite(SqliteFixture fixture) : ServiceTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ServiceTestsOnPostgres(PostgresFixture fixture) : ServiceTests(fixture);
