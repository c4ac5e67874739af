using ReferralNet.Platform.Api;
using ReferralNet.Spanners.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Spanners.Events;

/// <summary>The events this service publishes: ids and what every professional may see, never burden notes or phone numbers.</summary>
internal static class IntegrationEvents
{
    public static Proto.SpannerChanged ChangedEvent(this BoundarySpanner spanner) => new()
    {
        SpannerId = spanner.Id,
        OrganizationId = spanner.OrganizationId,
        DisplayName = spanner.DisplayName,
        Kind = (Proto.SpannerKind)spanner.Kind,
        Status = (Proto.SpannerStatus)spanner.Status,
        Languages = { spanner.Languages },
        Neighbourhoods = { spanner.Neighbourhoods },
        LifeDomains = { spanner.LifeDomains.Select(d => (Proto.LifeDomain)d) },
        Version = spanner.Version,
    };

    public static Proto.SpannerAssigned AssignedEvent(this SpannerAssignment assignment, BoundarySpanner spanner) => new()
    {
        AssignmentId = assignment.Id,
        SpannerId = spanner.Id,
        SpannerDisplayName = spanner.DisplayName,
        SpannerKind = (Proto.SpannerKind)spanner.Kind,
        SpannerOrganizationId = spanner.OrganizationId,
        ServiceUserId = assignment.ServiceUserId,
        NeedId = assignment.NeedId ?? "",
        ConstantContact = assignment.ConstantContact,
        PreviousAssignmentId = assignment.PreviousAssignmentId ?? "",
        StartTime = assignment.StartAt?.ToProtoTimestamp(),
        Version = assignment.Version,
    };

    public static Proto.SpannerAssignmentEnded EndedEvent(this SpannerAssignment assignment) => new()
    {
        AssignmentId = assignment.Id,
        SpannerId = assignment.SpannerId,
        ServiceUserId = assignment.ServiceUserId,
        ConstantContact = assignment.ConstantContact,
        Reason = (Proto.AssignmentEndReason)(assignment.EndReason ?? 0),
        EndTime = assignment.EndAt?.ToProtoTimestamp(),
        Version = assignment.Version,
    };

    public static Proto.SpannerStopped StoppedEvent(this BoundarySpanner spanner) => new()
    {
        SpannerId = spanner.Id,
        OrganizationId = spanner.OrganizationId,
        Reason = (Proto.SpannerStopReason)(spanner.StopReason ?? 0),
        StopTime = spanner.StoppedAt?.ToProtoTimestamp(),
        Version = spanner.Version,
    };

    public static Proto.SpannerSucceeded SucceededEvent(this SpannerAssignment previous, SuccessionBasis basis, SpannerAssignment? successor) => new()
    {
        ServiceUserId = previous.ServiceUserId,
        PreviousSpannerId = previous.SpannerId,
        PreviousAssignmentId = previous.Id,
        Basis = (Proto.SuccessionBasis)basis,
        SuccessorSpannerId = successor?.SpannerId ?? "",
        NewAssignmentId = successor?.Id ?? "",
        Version = previous.Version,
    };

    public static Proto.BurdenFlagged FlaggedEvent(this BurdenCheckIn checkIn, BoundarySpanner spanner) => new()
    {
        SpannerId = spanner.Id,
        OrganizationId = spanner.OrganizationId,
        CheckInId = checkIn.Id,
        Score = checkIn.Score,
        BackupSpannerId = spanner.BackupSpannerId ?? "",
        Version = spanner.Version,
    };
}
