using Google.Protobuf.WellKnownTypes;
using ReferralNet.Organizations.Domain;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using Proto = ReferralNet.Contracts.V1;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Organizations.Api;

/// <summary>Domain ⇄ proto. Enum numbers are shared by design, so enums map by value.</summary>
internal static class ProtoMapping
{
    public static Proto.Organization ToProto(this Organization organization) => new()
    {
        Id = organization.Id,
        Name = organization.Name,
        Kind = (Proto.OrganizationKind)organization.Kind,
        Description = organization.Description,
        Website = organization.Website,
        Email = organization.Email,
        Phone = organization.Phone,
        Neighbourhoods = { organization.Neighbourhoods },
        Active = organization.IsActive,
        CreateTime = organization.CreatedAt.ToProtoTimestamp(),
        UpdateTime = organization.UpdatedAt.ToProtoTimestamp(),
        DeactivateTime = organization.DeactivatedAt?.ToProtoTimestamp(),
        Etag = organization.ETag,
    };

    public static OrganizationDetails ToDetails(this Proto.Organization organization) => new(
        organization.Name.Trim(),
        (OrganizationKind)organization.Kind,
        organization.Description.Trim(),
        organization.Website.Trim(),
        organization.Email.Trim(),
        organization.Phone.Trim(),
        [.. organization.Neighbourhoods]);

    public static Proto.Service ToProto(this Service service, DateTimeOffset now) => new()
    {
        Id = service.Id,
        OrganizationId = service.OrganizationId,
        Name = service.Name,
        Description = service.Description,
        LifeDomains = { service.LifeDomains.Select(d => (Proto.LifeDomain)d.Domain).Order() },
        Eligibility = new Proto.Eligibility
        {
            MinAge = service.MinAge ?? 0,
            MaxAge = service.MaxAge ?? 0,
            Neighbourhoods = { service.EligibleNeighbourhoods },
        }.WithoutUnsetAges(service.MinAge, service.MaxAge),
        Languages = { service.Languages },
        Capacity = new Proto.Capacity { OpenPlaces = service.OpenPlaces, TypicalWaitDays = service.TypicalWaitDays },
        AcknowledgementDeadline = Duration.FromTimeSpan(service.AcknowledgementDeadline),
        ActiveStartTime = service.ActiveFrom.ToProtoTimestamp(),
        ActiveEndTime = service.ActiveUntil?.ToProtoTimestamp(),
        Status = (Proto.ServiceStatus)service.StatusAt(now),
        CreateTime = service.CreatedAt.ToProtoTimestamp(),
        UpdateTime = service.UpdatedAt.ToProtoTimestamp(),
        Etag = service.ETag,
    };

    public static ServiceDetails ToDetails(this Proto.Service service, DateTimeOffset now) => new(
        service.Name.Trim(),
        service.Description.Trim(),
        [.. service.LifeDomains.Select(d => (LifeDomain)d).Distinct()],
        new Eligibility(
            service.Eligibility is { HasMinAge: true } ? service.Eligibility.MinAge : null,
            service.Eligibility is { HasMaxAge: true } ? service.Eligibility.MaxAge : null,
            [.. service.Eligibility?.Neighbourhoods ?? []]),
        [.. service.Languages],
        service.Capacity?.OpenPlaces ?? 0,
        service.Capacity?.TypicalWaitDays ?? 0,
        service.AcknowledgementDeadline.ToTimeSpan(),
        service.ActiveStartTime?.ToInstant() ?? now,
        service.ActiveEndTime?.ToInstant());

    public static Proto.Member ToProto(this Member member, DateTimeOffset now) => new()
    {
        Id = member.Id,
        OrganizationId = member.OrganizationId,
        DisplayName = member.DisplayName,
        Email = member.Email,
        Role = (Proto.MemberRole)member.Role,
        Profession = member.Profession,
        Languages = { member.Languages },
        StartTime = member.StartAt.ToProtoTimestamp(),
        EndTime = member.EndAt?.ToProtoTimestamp(),
        Active = member.IsActiveAt(now),
        CreateTime = member.CreatedAt.ToProtoTimestamp(),
        UpdateTime = member.UpdatedAt.ToProtoTimestamp(),
        Etag = member.ETag,
    };

    public static MemberDetails ToDetails(this Proto.Member member) => new(
        member.DisplayName.Trim(),
        member.Email.Trim(),
        (Role)member.Role,
        member.Profession.Trim(),
        [.. member.Languages]);

    public static MemberDetails ToDetails(this Proto.FirstAdmin admin) =>
        new(admin.DisplayName.Trim(), admin.Email.Trim(), Role.OrgAdmin, "", [.. admin.Languages]);

    private static Proto.Eligibility WithoutUnsetAges(this Proto.Eligibility eligibility, int? minAge, int? maxAge)
    {
        if (minAge is null)
        {
            eligibility.ClearMinAge();
        }

        if (maxAge is null)
        {
            eligibility.ClearMaxAge();
        }

        return eligibility;
    }
}
