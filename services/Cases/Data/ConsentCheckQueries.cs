using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Data;

/// <summary>The open case of a service user as a referral needs it: its coordinator and the version the coordination is at.</summary>
public sealed record OpenCaseCoordination(string Id, string CoordinatorMemberId, string CoordinatorOrganizationId, long Version);

/// <summary>
/// The fixed-shape reads of the consent checks the other services ask before every referral and spanner assignment,
/// compiled once: they run on every create, whose rate the checks' CPU bounds as much as its write.
/// </summary>
public static class ConsentCheckQueries
{
    private static readonly CompiledPerModel<Func<CasesDbContext, string, CancellationToken, Task<string?>>> ServiceUserOfNeed = new(() =>
        EF.CompileAsyncQuery((CasesDbContext db, string needId, CancellationToken _) =>
            db.Needs.Where(n => n.Id == needId).Select(n => n.ServiceUserId).FirstOrDefault()));

    private static readonly CompiledPerModel<Func<CasesDbContext, string, CancellationToken, Task<OrganizationKind?>>> KindOf = new(() =>
        EF.CompileAsyncQuery((CasesDbContext db, string organizationId, CancellationToken _) =>
            db.KnownOrganizations.Where(o => o.Id == organizationId).Select(o => (OrganizationKind?)o.Kind).FirstOrDefault()));

    private static readonly CompiledPerModel<Func<CasesDbContext, string, CancellationToken, Task<ServiceUser>>> User = new(() =>
        EF.CompileAsyncQuery((CasesDbContext db, string id, CancellationToken _) => db.ServiceUsers.AsNoTracking().Single(s => s.Id == id)));

    private static readonly CompiledPerModel<Func<CasesDbContext, string, CancellationToken, Task<OpenCaseCoordination?>>> OpenCase = new(() =>
        EF.CompileAsyncQuery((CasesDbContext db, string serviceUserId, CancellationToken _) =>
            db.Cases.Where(c => c.ServiceUserId == serviceUserId && c.Status == CaseStatus.Open)
                .Select(c => new OpenCaseCoordination(c.Id, c.CoordinatorMemberId, c.CoordinatorOrganizationId, c.Version)).FirstOrDefault()));

    private static readonly CompiledPerModel<Func<CasesDbContext, string, string, OrganizationKind?, DateTimeOffset, CancellationToken, Task<Need?>>> VisibleNeed = new(() =>
        EF.CompileAsyncQuery(Consent.WithGrantRule<Func<CasesDbContext, string, string, OrganizationKind?, DateTimeOffset, CancellationToken, Need?>>((db, needId, organizationId, kind, now, _) =>
            db.Needs.AsNoTracking().FirstOrDefault(n => n.Id == needId && db.Consents.Any(c =>
                c.ServiceUserId == n.ServiceUserId && (c.DomainMask & n.DomainBit) != 0 && Consent.Granting(c, organizationId, kind, now))))));

    // Open-ended consents first, then the one that lasts longest; an empty consent id asks for any.
    private static readonly CompiledPerModel<Func<CasesDbContext, string, int, string, OrganizationKind?, DateTimeOffset, string, CancellationToken, Task<Consent?>>> ReferralConsent = new(() =>
        EF.CompileAsyncQuery(Consent.WithGrantRule<Func<CasesDbContext, string, int, string, OrganizationKind?, DateTimeOffset, string, CancellationToken, Consent?>>(
            (db, serviceUserId, domainBit, organizationId, kind, now, consentId, _) =>
            db.Consents.AsNoTracking()
                .Where(c => c.ServiceUserId == serviceUserId && c.Purpose == ConsentPurpose.Referral && (c.DomainMask & domainBit) != 0 && Consent.Granting(c, organizationId, kind, now))
                .Where(c => consentId == "" || c.Id == consentId)
                .OrderBy(c => c.EndAt == null ? 0 : 1).ThenByDescending(c => c.EndAt)
                .FirstOrDefault())));

    /// <summary>The need when a consent to the organization (<paramref name="organizationId"/>, of <paramref name="kind"/>) covers its service user and life domain at <paramref name="now"/>; otherwise null.</summary>
    public static Task<Need?> NeedVisibleToAsync(this CasesDbContext db, string needId, string organizationId, OrganizationKind? kind, DateTimeOffset now, CancellationToken cancellationToken) =>
        VisibleNeed.For(db)(db, needId, organizationId, kind, now, cancellationToken);

    /// <summary>
    /// The REFERRAL consent of the service user for the need's domain (<paramref name="domainBit"/>) that grants the receiving
    /// organization access at <paramref name="now"/> (the one with <paramref name="consentId"/> when it is not empty); null when none does.
    /// </summary>
    public static Task<Consent?> ReferralConsentAsync(
        this CasesDbContext db, string serviceUserId, int domainBit, string organizationId, OrganizationKind? kind, DateTimeOffset now, string consentId, CancellationToken cancellationToken) =>
        ReferralConsent.For(db)(db, serviceUserId, domainBit, organizationId, kind, now, consentId, cancellationToken);

    /// <summary>The service user a need belongs to, whoever may see it (for the audit record of a refusal); null for an unknown need.</summary>
    public static Task<string?> ServiceUserOfNeedAsync(this CasesDbContext db, string needId, CancellationToken cancellationToken) =>
        ServiceUserOfNeed.For(db)(db, needId, cancellationToken);

    /// <summary>The kind of an organization of the directory; null when this service does not know it.</summary>
    public static Task<OrganizationKind?> KindOfOrganizationAsync(this CasesDbContext db, string organizationId, CancellationToken cancellationToken) =>
        KindOf.For(db)(db, organizationId, cancellationToken);

    /// <summary>The service user, untracked; it must exist.</summary>
    public static Task<ServiceUser> ServiceUserAsync(this CasesDbContext db, string id, CancellationToken cancellationToken) =>
        User.For(db)(db, id, cancellationToken);

    /// <summary>The service user's open case with its coordination; null when none is open.</summary>
    public static Task<OpenCaseCoordination?> OpenCaseCoordinationAsync(this CasesDbContext db, string serviceUserId, CancellationToken cancellationToken) =>
        OpenCase.For(db)(db, serviceUserId, cancellationToken);
}
