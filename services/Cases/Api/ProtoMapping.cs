using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Validation;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases.Api;

/// <summary>Domain ⇄ proto. Enum numbers are shared by design, so enums map by value.</summary>
internal static class ProtoMapping
{
    public static Proto.ServiceUser ToProto(this ServiceUser user, IEnumerable<HouseholdLink> household) => new()
    {
        Id = user.Id,
        GivenName = user.GivenName,
        FamilyName = user.FamilyName,
        DateOfBirth = user.DateOfBirth.ToProto(),
        Neighbourhood = user.Neighbourhood,
        Languages = { user.Languages },
        InterpreterNeeded = user.InterpreterNeeded,
        HasBsn = user.HasBsn,
        Household =
        {
            household.OrderBy(l => l.LinkedAt).ThenBy(l => l.OtherServiceUserId).Select(l => new Proto.HouseholdLink
            {
                ServiceUserId = l.OtherServiceUserId,
                Relation = (Proto.HouseholdRelation)l.Relation,
                LinkTime = l.LinkedAt.ToProtoTimestamp(),
            }),
        },
        CreateTime = user.CreatedAt.ToProtoTimestamp(),
        UpdateTime = user.UpdatedAt.ToProtoTimestamp(),
        Etag = user.ETag,
    };

    public static ServiceUserDetails ToDetails(this Proto.ServiceUser user) => new(
        UnicodeText.Normalize(user.GivenName),
        UnicodeText.Normalize(user.FamilyName),
        user.DateOfBirth.ToDate(),
        [.. user.Languages],
        user.InterpreterNeeded);

    public static Proto.Goal ToProto(this Goal goal) => new()
    {
        Id = goal.Id,
        Description = goal.Description,
        LifeDomain = (Proto.LifeDomain)(goal.LifeDomain ?? 0),
        Status = (Proto.GoalStatus)goal.Status,
        TargetDate = goal.TargetDate?.ToProto(),
    };

    public static Proto.Case ToProto(this Case found, DateTimeOffset now) => new()
    {
        Id = found.Id,
        ServiceUserId = found.ServiceUserId,
        HouseholdServiceUserIds = { found.HouseholdServiceUserIds },
        CoordinatorMemberId = found.CoordinatorMemberId,
        CoordinatorOrganizationId = found.CoordinatorOrganizationId,
        HandoverNeeded = found.HandoverNeededAt(now),
        Plan = found.Plan,
        Goals = { found.Goals.Select(ToProto) },
        Status = (Proto.CaseStatus)found.Status,
        CloseReason = found.CloseReason,
        CreateTime = found.CreatedAt.ToProtoTimestamp(),
        UpdateTime = found.UpdatedAt.ToProtoTimestamp(),
        CloseTime = found.ClosedAt?.ToProtoTimestamp(),
        Etag = found.ETag,
    };

    // Validated before it gets here: a goal without a status is open.
    public static IReadOnlyList<GoalSpec> ToSpecs(this IEnumerable<Proto.Goal> goals) => [.. goals.Select(g => new GoalSpec(
        g.Id.Length > 0 ? g.Id : null,
        UnicodeText.Normalize(g.Description),
        g.LifeDomain == Proto.LifeDomain.Unspecified ? null : (LifeDomain)g.LifeDomain,
        g.Status == Proto.GoalStatus.Unspecified ? GoalStatus.Open : (GoalStatus)g.Status,
        g.TargetDate?.ToDate()))];

    public static Proto.Need ToProto(this Need need) => new()
    {
        Id = need.Id,
        ServiceUserId = need.ServiceUserId,
        LifeDomain = (Proto.LifeDomain)need.LifeDomain,
        Severity = (Proto.NeedSeverity)need.Severity,
        Status = (Proto.NeedStatus)need.Status,
        Description = need.Description,
        Dimensions = { need.Dimensions.Select(d => (Proto.PositiveHealthDimension)d) },
        StatusNote = need.StatusNote,
        RecordedByMemberId = need.RecordedByMemberId,
        RecordedByOrganizationId = need.RecordedByOrganizationId,
        AtRisk = need.AtRisk,
        AtRiskReasons = { need.AtRiskReasons.Select(r => (Proto.PillarToPostReason)r) },
        AtRiskTime = need.AtRiskAt?.ToProtoTimestamp(),
        CreateTime = need.CreatedAt.ToProtoTimestamp(),
        UpdateTime = need.UpdatedAt.ToProtoTimestamp(),
        Etag = need.ETag,
    };

    public static IReadOnlyCollection<PositiveHealthDimension> ToDomain(this IEnumerable<Proto.PositiveHealthDimension> dimensions) =>
        [.. dimensions.Select(d => (PositiveHealthDimension)d)];

    public static Proto.Involvement ToProto(this Involvement involvement, DateTimeOffset now) => new()
    {
        Id = involvement.Id,
        ServiceUserId = involvement.ServiceUserId,
        OrganizationId = involvement.OrganizationId,
        MemberId = involvement.MemberId ?? "",
        BoundarySpannerId = involvement.SpannerId ?? "",
        Role = (Proto.InvolvementRole)involvement.Role,
        Description = involvement.Description,
        NeedId = involvement.NeedId ?? "",
        ReferralId = involvement.ReferralId ?? "",
        StartTime = involvement.StartAt.ToProtoTimestamp(),
        EndTime = involvement.EndAt?.ToProtoTimestamp(),
        Active = involvement.IsActiveAt(now),
        EndReason = (Proto.InvolvementEndReason)(involvement.EndReason ?? 0),
        HandedOverFromInvolvementId = involvement.HandedOverFromId ?? "",
        HandoverNote = involvement.HandoverNote,
        HandoverNeeded = involvement.HandoverNeededAt(now),
        Etag = involvement.ETag,
        ReviewNeeded = involvement.ReviewNeededAt(now),
        ReviewReason = involvement.ReviewNeededAt(now) ? involvement.ReviewReason : "",
    };

    public static Proto.EmergencyAccess ToProto(this EmergencyAccess access) => new()
    {
        Id = access.Id,
        ServiceUserId = access.ServiceUserId,
        MemberId = access.MemberId,
        OrganizationId = access.OrganizationId,
        Reason = access.Reason,
        StartTime = access.CreatedAt.ToProtoTimestamp(),
        ExpireTime = access.ExpireAt.ToProtoTimestamp(),
    };

    public static Proto.ReferralSummary ToProto(this ReferralView referral, IReadOnlyDictionary<string, string> organizationNames) => new()
    {
        ReferralId = referral.Id,
        ChainId = referral.ChainId,
        PreviousReferralId = referral.PreviousReferralId,
        FromOrganizationId = referral.FromOrganizationId,
        FromOrganizationName = organizationNames.GetValueOrDefault(referral.FromOrganizationId, ""),
        ToServiceId = referral.ToServiceId,
        ToOrganizationId = referral.ToOrganizationId,
        ToOrganizationName = organizationNames.GetValueOrDefault(referral.ToOrganizationId, ""),
        Status = (Proto.ReferralStatus)referral.Status,
        DeclineReason = (Proto.ReferralDeclineReason)referral.DeclineReason,
        FailureReason = (Proto.ReferralFailureReason)referral.FailureReason,
        Outcome = (Proto.ReferralOutcome)referral.Outcome,
        CreateTime = referral.CreatedAt.ToProtoTimestamp(),
        StatusTime = referral.StatusAt.ToProtoTimestamp(),
    };

    public static Proto.TimelineEntry ToProto(this TimelineEntry entry) => new()
    {
        EventTime = entry.At.ToProtoTimestamp(),
        Kind = (Proto.TimelineEntryKind)entry.Kind,
        Summary = entry.Summary,
        OrganizationId = entry.OrganizationId ?? "",
        NeedId = entry.NeedId ?? "",
        ReferralId = entry.ReferralId ?? "",
    };

    // The basis of a record: "consent:<id>", "break-the-glass:<id>", "privacy-review"; a refused call rested on none.
    public static Proto.AccessLogEntry ToAccessLogEntry(this Platform.Audit.AuditRecord record, IReadOnlyDictionary<string, string> organizationNames, bool showMember)
    {
        var (basis, consentId, emergencyId) = record.Basis.Split(':', 2) switch
        {
            ["consent", var id] => (Proto.AccessBasis.Consent, id, ""),
            ["break-the-glass", var id] => (Proto.AccessBasis.BreakTheGlass, "", id),
            ["privacy-review"] => (Proto.AccessBasis.PrivacyReview, "", ""),
            _ => (Proto.AccessBasis.None, "", ""),
        };
        return new Proto.AccessLogEntry
        {
            AccessTime = record.OccurredAt.ToProtoTimestamp(),
            OrganizationId = record.OrganizationId,
            OrganizationName = organizationNames.GetValueOrDefault(record.OrganizationId, ""),
            Role = Platform.Identity.RoleNames.TryParse(record.Role, out var role) ? (Proto.MemberRole)role : Proto.MemberRole.Unspecified,
            MemberId = showMember ? record.MemberId : "",
            Action = record.Kind == Platform.Audit.AuditKind.Change ? Proto.AccessAction.Change : Proto.AccessAction.View,
            RecordType = record.SubjectType,
            Basis = basis,
            ConsentId = consentId,
            EmergencyAccessId = emergencyId,
            Outcome = record.Outcome,
            Purpose = record.Purpose,
            Method = record.Action,
        };
    }

    public static Proto.Consent ToProto(this Consent consent, DateTimeOffset now)
    {
        var proto = new Proto.Consent
        {
            Id = consent.Id,
            ServiceUserId = consent.ServiceUserId,
            Purpose = (Proto.ConsentPurpose)consent.Purpose,
            LifeDomains = { consent.LifeDomains.Select(d => (Proto.LifeDomain)d) },
            StartTime = consent.StartAt.ToProtoTimestamp(),
            EndTime = consent.EndAt?.ToProtoTimestamp(),
            Method = (Proto.ConsentMethod)consent.Method,
            ByRepresentative = consent.ByRepresentative,
            EvidenceReference = consent.EvidenceReference,
            RecordedByMemberId = consent.RecordedByMemberId,
            RecordedByOrganizationId = consent.RecordedByOrganizationId,
            Status = (Proto.ConsentStatus)consent.StatusAt(now),
            RevokeTime = consent.RevokedAt?.ToProtoTimestamp(),
            RevokeReason = consent.RevokeReason,
            RevokedByMemberId = consent.RevokedByMemberId ?? "",
            CreateTime = consent.CreatedAt.ToProtoTimestamp(),
            Etag = consent.ETag,
        };
        if (consent.OrganizationId is { } organizationId)
        {
            proto.OrganizationId = organizationId;
        }
        else
        {
            proto.OrganizationKind = (Proto.OrganizationKind)consent.OrganizationKind!.Value;
        }

        return proto;
    }

    public static ConsentGrant ToGrant(this Proto.Consent consent, DateTimeOffset now) => new(
        consent.GranteeCase == Proto.Consent.GranteeOneofCase.OrganizationId ? consent.OrganizationId : null,
        consent.GranteeCase == Proto.Consent.GranteeOneofCase.OrganizationKind ? (OrganizationKind)consent.OrganizationKind : null,
        (ConsentPurpose)consent.Purpose,
        [.. consent.LifeDomains.Select(d => (LifeDomain)d).Distinct()],
        consent.StartTime?.ToInstant() ?? now,
        consent.EndTime?.ToInstant(),
        (ConsentMethod)consent.Method,
        consent.ByRepresentative,
        consent.EvidenceReference.Trim());
}
