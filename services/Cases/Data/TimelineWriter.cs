using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Data;

/// <summary>Writes timeline entries with the changes they describe (same transaction), summaries built from facts only.</summary>
public static class TimelineWriter
{
    /// <summary>A need was recorded.</summary>
    public static void NeedRecorded(this CasesDbContext db, Need need, DateTimeOffset at) =>
        db.Timeline.Add(new TimelineEntry(need.ServiceUserId, at, TimelineKind.Need, $"Need recorded: {Words(need.LifeDomain)} ({Words(need.Severity)})", need.RecordedByOrganizationId, need.Id, need.LifeDomain));

    /// <summary>A need changed status.</summary>
    public static void NeedStatusChanged(this CasesDbContext db, Need need, string organizationId, DateTimeOffset at) =>
        db.Timeline.Add(new TimelineEntry(need.ServiceUserId, at, TimelineKind.Need, $"Need {Words(need.LifeDomain)}: {Words(need.Status)}", organizationId, need.Id, need.LifeDomain));

    /// <summary>Something happened to the case.</summary>
    public static void CaseChanged(this CasesDbContext db, Case changed, string what, DateTimeOffset at) =>
        db.Timeline.Add(new TimelineEntry(changed.ServiceUserId, at, TimelineKind.Case, what, changed.CoordinatorOrganizationId));

    /// <summary>A consent was granted or revoked.</summary>
    public static void ConsentChanged(this CasesDbContext db, Consent consent, string what, DateTimeOffset at) =>
        db.Timeline.Add(new TimelineEntry(consent.ServiceUserId, at, TimelineKind.Consent, $"{what} for {Words(consent.Purpose)}", consent.OrganizationId ?? consent.RecordedByOrganizationId));

    /// <summary>Someone joined or left the care team.</summary>
    public static void CareTeamChanged(this CasesDbContext db, Involvement involvement, bool joined, DateTimeOffset at, LifeDomain? domain = null) =>
        db.Timeline.Add(new TimelineEntry(
            involvement.ServiceUserId, at, involvement.SpannerId is null ? TimelineKind.CareTeam : TimelineKind.Spanner,
            $"{(joined ? "Joined" : "Left")} the care team: {Words(involvement.Role)}{(joined || involvement.EndReason is null ? "" : $" ({Words(involvement.EndReason.Value)})")}",
            involvement.OrganizationId, involvement.NeedId, domain, involvement.ReferralId));

    /// <summary>The service user moved.</summary>
    public static void Moved(this CasesDbContext db, ServiceUser user, string from, DateTimeOffset at) =>
        db.Timeline.Add(new TimelineEntry(user.Id, at, TimelineKind.Move, $"Moved from {from} to {user.Neighbourhood}"));

    /// <summary>A referral changed status.</summary>
    public static void ReferralChanged(this CasesDbContext db, ReferralView referral, string what, LifeDomain? domain, DateTimeOffset at) =>
        db.Timeline.Add(new TimelineEntry(referral.ServiceUserId, at, TimelineKind.Referral, what, referral.ToOrganizationId, referral.NeedId, domain, referral.Id));

    /// <summary>An alert: pillar-to-post found or cleared, an emergency access.</summary>
    public static void Alert(this CasesDbContext db, string serviceUserId, string what, DateTimeOffset at, string? organizationId = null, string? needId = null, LifeDomain? domain = null) =>
        db.Timeline.Add(new TimelineEntry(serviceUserId, at, TimelineKind.Alert, what, organizationId, needId, domain));

    /// <summary>An enum value as words: "PhysicalHealth" → "physical health".</summary>
    public static string Words<T>(T value)
        where T : struct, Enum =>
        EnumWords.Of(value);
}
