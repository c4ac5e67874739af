using ReferralNet.Organizations.Api;
using ReferralNet.Organizations.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Organizations.Events;

/// <summary>
/// The facts the directory tells other services, one builder per event, used by the endpoint, the bootstrap and the
/// demo seeder alike. Each carries the entity's version, so subscribers can ignore an event older than what they hold.
/// </summary>
internal static class IntegrationEvents
{
    public static Proto.OrganizationChanged ChangedEvent(this Organization organization) =>
        new() { Organization = organization.ToProto(), Version = organization.Version };

    public static Proto.ServiceChanged ChangedEvent(this Service service, DateTimeOffset now) =>
        new() { Service = service.ToProto(now), Version = service.Version };

    public static Proto.MemberChanged ChangedEvent(this Member member, DateTimeOffset now) =>
        new() { Member = member.ToProto(now), Version = member.Version };
}
