using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Validation;
using ReferralNet.Spanners.Data;
using ReferralNet.Spanners.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Spanners.Api;

/// <summary>What a caller may see of a spanner: the profile always, the phone and the burden only where it works with the spanner.</summary>
/// <param name="Supports">The caller's organization supports the spanner: it sees the burden and the phone.</param>
/// <param name="WorksWith">The caller's organization is involved with one of the spanner's service users: it sees the phone.</param>
internal sealed record SpannerView(bool Supports, bool WorksWith);

/// <summary>Maps the domain to the contract and back.</summary>
internal static class ProtoMapping
{
    public static Proto.BoundarySpanner ToProto(this BoundarySpanner spanner, int heldPlaces, SpannerView view, DateTimeOffset now, SpannerPolicy policy)
    {
        var proto = new Proto.BoundarySpanner
        {
            Id = spanner.Id,
            OrganizationId = spanner.OrganizationId,
            DisplayName = spanner.DisplayName,
            Kind = (Proto.SpannerKind)spanner.Kind,
            MemberId = spanner.MemberId ?? "",
            Phone = view.Supports || view.WorksWith ? spanner.Phone : "",
            Languages = { spanner.Languages },
            Neighbourhoods = { spanner.Neighbourhoods },
            LifeDomains = { spanner.LifeDomains.Select(d => (Proto.LifeDomain)d) },
            MaxServiceUsers = spanner.MaxServiceUsers,
            HoursPerWeek = spanner.HoursPerWeek,
            Status = (Proto.SpannerStatus)spanner.Status,
            BackupSpannerId = spanner.BackupSpannerId ?? "",
            ActiveAssignments = heldPlaces,
            CreateTime = spanner.CreatedAt.ToProtoTimestamp(),
            UpdateTime = spanner.UpdatedAt.ToProtoTimestamp(),
            StopTime = spanner.StoppedAt?.ToProtoTimestamp(),
            StopReason = (Proto.SpannerStopReason)(spanner.StopReason ?? 0),
            Etag = spanner.ETag,
            ConductCertificateDate = spanner.ConductCertificateDate?.ToProto(),
            ConductCertificateValid = spanner.CertificateValid(DateOnly.FromDateTime(now.UtcDateTime), policy),
        };
        if (view.Supports)
        {
            proto.LatestBurdenScore = spanner.LatestBurdenScore;
            proto.BurdenFlagged = spanner.BurdenFlagged;
            proto.LastCheckInTime = spanner.LastCheckInAt?.ToProtoTimestamp();
            proto.CheckInOverdue = spanner.CheckInOverdue(now, policy);
        }

        return proto;
    }

    public static SpannerProfile ToProfile(this Proto.BoundarySpanner spanner) => new(
        UnicodeText.Normalize(spanner.DisplayName.Trim()),
        (SpannerKind)spanner.Kind,
        spanner.MemberId.Length > 0 ? spanner.MemberId : null,
        spanner.Phone.Trim(),
        [.. spanner.Languages],
        [.. spanner.Neighbourhoods],
        [.. spanner.LifeDomains.Select(d => (LifeDomain)d)],
        spanner.MaxServiceUsers,
        spanner.HoursPerWeek,
        spanner.BackupSpannerId.Length > 0 ? spanner.BackupSpannerId : null,
        spanner.ConductCertificateDate?.ToDate());

    public static Proto.SpannerAssignment ToProto(this SpannerAssignment assignment) => new()
    {
        Id = assignment.Id,
        SpannerId = assignment.SpannerId,
        ServiceUserId = assignment.ServiceUserId,
        NeedId = assignment.NeedId ?? "",
        ConstantContact = assignment.ConstantContact,
        Note = assignment.Note,
        AssignedByMemberId = assignment.AssignedByMemberId,
        AssignedByOrganizationId = assignment.AssignedByOrganizationId,
        StartTime = assignment.StartAt?.ToProtoTimestamp(),
        EndTime = assignment.EndAt?.ToProtoTimestamp(),
        Active = assignment.Status == AssignmentStatus.Active,
        EndReason = (Proto.AssignmentEndReason)(assignment.EndReason ?? 0),
        PreviousAssignmentId = assignment.PreviousAssignmentId ?? "",
        HandoverNote = assignment.HandoverNote,
        Etag = assignment.ETag,
        Status = (Proto.AssignmentStatus)assignment.Status,
        ProposeTime = assignment.ProposedAt.ToProtoTimestamp(),
        SpannerAgreeTime = assignment.SpannerAgreedAt?.ToProtoTimestamp(),
        ServiceUserAgreeTime = assignment.ServiceUserAgreedAt?.ToProtoTimestamp(),
        CaseId = assignment.CaseId ?? "",
    };

    public static Proto.BurdenCheckIn ToProto(this BurdenCheckIn checkIn) => new()
    {
        Id = checkIn.Id,
        SpannerId = checkIn.SpannerId,
        Score = checkIn.Score,
        Note = checkIn.Note,
        Flagged = checkIn.Flagged,
        RecordedByMemberId = checkIn.RecordedByMemberId,
        CreateTime = checkIn.CreatedAt.ToProtoTimestamp(),
    };

    public static IEnumerable<Proto.SpannerRisk> ToProto(this SpannerRisks risks) =>
        Enum.GetValues<Proto.SpannerRisk>().Where(r => r != Proto.SpannerRisk.Unspecified && risks.HasFlag((SpannerRisks)(1 << (int)r)));

    public static SupportRequest ToSupportRequest(this Proto.CheckSupportConsentResponse facts, IReadOnlyList<LifeDomain> domains) =>
        new(facts.ServiceUserId, [.. facts.Languages], facts.Neighbourhood, [.. facts.HouseholdServiceUserIds], domains);

    // The domains asked for, else the need's, else those of the service user's open needs.
    public static List<LifeDomain> DomainsOf(this Proto.CheckSupportConsentResponse facts, IEnumerable<Proto.LifeDomain> asked, string? needId = null)
    {
        List<LifeDomain> domains = [.. asked.Where(d => d != Proto.LifeDomain.Unspecified).Select(d => (LifeDomain)d).Distinct()];
        if (domains.Count > 0)
        {
            return domains;
        }

        if (facts.NeedLifeDomain != Proto.LifeDomain.Unspecified)
        {
            return [(LifeDomain)facts.NeedLifeDomain];
        }

        return [.. facts.OpenNeeds.Where(n => needId is null || n.NeedId == needId).Select(n => (LifeDomain)n.LifeDomain).Distinct()];
    }

    public static Proto.ContinuityReport ToProto(this ContinuityFigures figures, Proto.GetContinuityReportRequest request) => new()
    {
        Neighbourhood = request.Neighbourhood,
        StartTime = request.StartTime.ToInstant().ToProtoTimestamp(),
        EndTime = request.EndTime.ToInstant().ToProtoTimestamp(),
        ServiceUsers = figures.ServiceUsers,
        ServiceUsersWithContact = figures.WithContact,
        SameContactThroughout = figures.SameThroughout,
        SameContactShare = figures.WithContact == 0 ? 0 : Math.Round((double)figures.SameThroughout / figures.WithContact, 4),
        ProfessionalChanges = figures.ProfessionalChanges,
        ProfessionalChangesPerServiceUser = figures.WithContact == 0 ? 0 : Math.Round((double)figures.ProfessionalChanges / figures.WithContact, 2),
        MedianContactTenure = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(Math.Floor(figures.MedianTenure.TotalSeconds))),
        SpannersPerHundredServiceUsers = figures.SpannersPerHundred,
        OpenHandovers = figures.OpenHandovers,
        GapDays = figures.GapDays,
        ServiceUsersWithGap = figures.WithGap,
    };
}
