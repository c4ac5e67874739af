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
