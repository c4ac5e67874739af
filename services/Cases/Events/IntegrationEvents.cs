using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases.Events;

/// <summary>
/// The facts the cases service tells other services: ids and what subscribers need, never the BSN, names or free text.
/// Each carries the aggregate's version, so a subscriber can ignore an event older than what it holds.
/// </summary>
internal static class IntegrationEvents
{
    public static Proto.ServiceUserRegistered RegisteredEvent(this ServiceUser user) => new()
    {
        ServiceUserId = user.Id,
        OrganizationId = user.RegisteredByOrganizationId,
        Neighbourhood = user.Neighbourhood,
        Languages = { user.Languages },
        InterpreterNeeded = user.InterpreterNeeded,
        Version = user.Version,
    };

    public static Proto.ServiceUserUpdated UpdatedEvent(this ServiceUser user) => new()
    {
        ServiceUserId = user.Id,
        Languages = { user.Languages },
        InterpreterNeeded = user.InterpreterNeeded,
        Version = user.Version,
    };

    public static Proto.ServiceUserMoved MovedEvent(this ServiceUser user, string from, DateTimeOffset movedAt) => new()
    {
        ServiceUserId = user.Id,
        FromNeighbourhood = from,
        ToNeighbourhood = user.Neighbourhood,
        MoveTime = movedAt.ToProtoTimestamp(),
        Version = user.Version,
    };

    public static Proto.ServiceUsersMerged MergedEvent(this ServiceUser survivor, ServiceUser merged) => new()
    {
        ServiceUserId = survivor.Id,
        MergedServiceUserId = merged.Id,
        Version = survivor.Version,
    };

    public static Proto.ConsentGranted GrantedEvent(this Consent consent)
    {
        var granted = new Proto.ConsentGranted
        {
            ConsentId = consent.Id,
            ServiceUserId = consent.ServiceUserId,
            Purpose = (Proto.ConsentPurpose)consent.Purpose,
            LifeDomains = { consent.LifeDomains.Select(d => (Proto.LifeDomain)d) },
            StartTime = consent.StartAt.ToProtoTimestamp(),
            EndTime = consent.EndAt?.ToProtoTimestamp(),
            Version = consent.Version,
        };
        if (consent.OrganizationId is { } organizationId)
        {
            granted.OrganizationId = organizationId;
        }
        else
        {
            granted.OrganizationKind = (Proto.OrganizationKind)consent.OrganizationKind!.Value;
        }

        return granted;
    }

    public static Proto.ConsentRevoked RevokedEvent(this Consent consent) => new()
    {
        ConsentId = consent.Id,
        ServiceUserId = consent.ServiceUserId,
        RevokeTime = consent.RevokedAt!.Value.ToProtoTimestamp(),
        Version = consent.Version,
    };
}
