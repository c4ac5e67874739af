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

    public static Proto.CaseOpened OpenedEvent(this Case opened) => new()
    {
        CaseId = opened.Id,
        ServiceUserId = opened.ServiceUserId,
        HouseholdServiceUserIds = { opened.HouseholdServiceUserIds },
        CoordinatorMemberId = opened.CoordinatorMemberId,
        CoordinatorOrganizationId = opened.CoordinatorOrganizationId,
        Version = opened.Version,
    };

    public static Proto.CaseCoordinatorChanged CoordinatorChangedEvent(this Case changed, string previousCoordinatorMemberId) => new()
    {
        CaseId = changed.Id,
        ServiceUserId = changed.ServiceUserId,
        PreviousCoordinatorMemberId = previousCoordinatorMemberId,
        CoordinatorMemberId = changed.CoordinatorMemberId,
        CoordinatorOrganizationId = changed.CoordinatorOrganizationId,
        Version = changed.Version,
    };

    public static Proto.CaseClosed ClosedEvent(this Case closed) => new() { CaseId = closed.Id, ServiceUserId = closed.ServiceUserId, Version = closed.Version };

    public static Proto.NeedRecorded RecordedEvent(this Need need) => new()
    {
        NeedId = need.Id,
        ServiceUserId = need.ServiceUserId,
        LifeDomain = (Proto.LifeDomain)need.LifeDomain,
        Severity = (Proto.NeedSeverity)need.Severity,
        Dimensions = { need.Dimensions.Select(d => (Proto.PositiveHealthDimension)d) },
        OrganizationId = need.RecordedByOrganizationId,
        Version = need.Version,
    };

    public static Proto.NeedStatusChanged StatusChangedEvent(this Need need, NeedStatus previous) => new()
    {
        NeedId = need.Id,
        ServiceUserId = need.ServiceUserId,
        LifeDomain = (Proto.LifeDomain)need.LifeDomain,
        PreviousStatus = (Proto.NeedStatus)previous,
        Status = (Proto.NeedStatus)need.Status,
        Version = need.Version,
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
