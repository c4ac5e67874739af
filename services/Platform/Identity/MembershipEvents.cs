using Google.Protobuf.WellKnownTypes;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Messaging;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Platform.Identity;

/// <summary>The directory's contract types as membership states, and the subscriptions that keep the cache current.</summary>
public static class MembershipEvents
{
    /// <summary>The subscriptions of <see cref="MembershipCache"/> to MemberChanged and OrganizationChanged.</summary>
    public static IServiceCollection AddMembershipEvents(this IServiceCollection services)
    {
        // An event without its object is ignored rather than failed: a failure would make the publisher retry it forever.
        services.AddSingleton(EventSubscription.InMemory<Proto.MemberChanged>("membership-cache", (provider, changed) =>
        {
            if (changed.Member is { } member)
            {
                provider.GetRequiredService<MembershipCache>().Apply(member.ToState(changed.Version));
            }
        }));
        services.AddSingleton(EventSubscription.InMemory<Proto.OrganizationChanged>("membership-cache", (provider, changed) =>
        {
            if (changed.Organization is { } organization)
            {
                provider.GetRequiredService<MembershipCache>().Apply(new OrganizationState(organization.Id, organization.Active, changed.Version, (OrganizationKind)organization.Kind));
            }
        }));
        return services;
    }

    /// <summary>A member of the contract at <paramref name="version"/>.</summary>
    public static MemberState ToState(this Proto.Member member, long version) =>
        new(member.Id, member.OrganizationId, (MemberRole)member.Role, StartOf(member.StartTime), member.EndTime?.ToDateTimeOffset(), version, member.Profession);

    /// <summary>A read as the CheckMembership answer; only what a caller check needs leaves the directory.</summary>
    public static Proto.Membership? ToProto(this MembershipRead read) =>
        read is { Member: { } member, Organization: { } organization }
            ? new Proto.Membership
            {
                MemberId = member.MemberId,
                OrganizationId = member.OrganizationId,
                Role = (Proto.MemberRole)member.Role,
                StartTime = member.StartAt.ToProtoTimestamp(),
                EndTime = member.EndAt?.ToProtoTimestamp(),
                MemberVersion = member.Version,
                OrganizationActive = organization.IsActive,
                OrganizationVersion = organization.Version,
                OrganizationKind = (Proto.OrganizationKind)organization.Kind,
                Profession = member.Profession,
            }
            : null;

    /// <summary>A CheckMembership answer as a read.</summary>
    public static MembershipRead ToRead(this Proto.CheckMembershipResponse response) =>
        response.Membership is not { } membership
            ? new MembershipRead(null, null)
            : new MembershipRead(
                new MemberState(membership.MemberId, membership.OrganizationId, (MemberRole)membership.Role, StartOf(membership.StartTime), membership.EndTime?.ToDateTimeOffset(), membership.MemberVersion, membership.Profession),
                new OrganizationState(membership.OrganizationId, membership.OrganizationActive, membership.OrganizationVersion, (OrganizationKind)membership.OrganizationKind));

    // A membership without a start never starts: the safe reading of a message that lacks it.
    private static DateTimeOffset StartOf(Timestamp? start) => start?.ToDateTimeOffset() ?? DateTimeOffset.MaxValue;
}
