using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Cases.Data;

/// <summary>A service user the caller may see, with the consent that lets it.</summary>
/// <param name="User">The live record (a merged id resolves to the record it was merged into).</param>
/// <param name="Basis">The consent that grants the caller's organization access now.</param>
public sealed record VisibleServiceUser(ServiceUser User, Consent Basis);

/// <summary>
/// Reads of service users under the caller's consent, checked in the query on every call: what is outside it does not
/// exist for the caller, and a revocation or an expiry holds from the next call.
/// </summary>
public static class ServiceUserAccess
{
    /// <summary>
    /// The service user <paramref name="id"/> when a consent to the caller's organization (or its kind), with
    /// <paramref name="purposes"/> when given, is valid at <paramref name="now"/>; otherwise null.
    /// </summary>
    public static async Task<VisibleServiceUser?> VisibleAsync(
        this CasesDbContext db, string id, Caller caller, DateTimeOffset now, CancellationToken cancellationToken,
        bool tracked = false, params ConsentPurpose[] purposes)
    {
        var liveId = await db.ServiceUsers.AsNoTracking()
            .Where(s => s.Id == id)
            .Select(s => s.MergedIntoId ?? s.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (liveId is null)
        {
            return null;
        }

        var consents = db.Consents.AsNoTracking().Where(c => c.ServiceUserId == liveId).Where(Consent.GrantsAt(caller.OrganizationId, caller.OrganizationKind, now));
        if (purposes.Length > 0)
        {
            consents = consents.Where(c => purposes.Contains(c.Purpose));
        }

        var basis = await consents.OrderBy(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        if (basis is null)
        {
            return null;
        }

        var users = tracked ? db.ServiceUsers : db.ServiceUsers.AsNoTracking();
        return new VisibleServiceUser(await users.SingleAsync(s => s.Id == liveId, cancellationToken), basis);
    }

    /// <summary>The household links of <paramref name="serviceUserId"/> to members the caller may see too.</summary>
    public static Task<List<HouseholdLink>> VisibleHouseholdAsync(this CasesDbContext db, string serviceUserId, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var grants = Consent.GrantsAt(caller.OrganizationId, caller.OrganizationKind, now);
        var visible = db.Consents.Where(grants).Select(c => c.ServiceUserId);
        return db.HouseholdLinks.AsNoTracking()
            .Where(l => l.ServiceUserId == serviceUserId && visible.Contains(l.OtherServiceUserId))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The needs the caller's organization may see at <paramref name="now"/>: a consent to it (with one of
    /// <paramref name="purposes"/> when given) covers the need's service user and life domain.
    /// </summary>
    public static IQueryable<Need> VisibleNeeds(this CasesDbContext db, Caller caller, DateTimeOffset now, params ConsentPurpose[] purposes)
    {
        var consents = db.Consents.Where(Consent.GrantsAt(caller.OrganizationId, caller.OrganizationKind, now));
        if (purposes.Length > 0)
        {
            consents = consents.Where(c => purposes.Contains(c.Purpose));
        }

        return db.Needs.Where(n => consents.Any(c => c.ServiceUserId == n.ServiceUserId && (c.DomainMask & n.DomainBit) != 0));
    }

    /// <summary>
    /// The involvements the caller's organization may see at <paramref name="now"/>: with service users it holds a consent
    /// for, and, when tied to a need, only where its consent covers the need's life domain.
    /// </summary>
    public static IQueryable<Involvement> VisibleInvolvements(this CasesDbContext db, Caller caller, DateTimeOffset now)
    {
        var visibleUsers = db.Consents.Where(Consent.GrantsAt(caller.OrganizationId, caller.OrganizationKind, now)).Select(c => c.ServiceUserId);
        var visibleNeeds = db.VisibleNeeds(caller, now).Select(n => n.Id);
        return db.Involvements.Where(i => visibleUsers.Contains(i.ServiceUserId) && (i.NeedId == null || visibleNeeds.Contains(i.NeedId)));
    }

    /// <summary>The cases the caller's organization may see at <paramref name="now"/>: those of service users it holds a COORDINATION consent for.</summary>
    public static IQueryable<Case> VisibleCases(this CasesDbContext db, Caller caller, DateTimeOffset now)
    {
        var coordinating = db.Consents.Where(Consent.GrantsAt(caller.OrganizationId, caller.OrganizationKind, now))
            .Where(c => c.Purpose == ConsentPurpose.Coordination)
            .Select(c => c.ServiceUserId);
        return db.Cases.Where(c => coordinating.Contains(c.ServiceUserId));
    }

    /// <summary>
    /// The live records that share a BSN hash with <paramref name="serviceUserId"/> and were not found to be other people:
    /// the possible duplicates its coordinator resolves.
    /// </summary>
    public static IQueryable<ServiceUser> PossibleDuplicatesOf(this CasesDbContext db, string serviceUserId)
    {
        var hashes = db.BsnHashes.Where(h => h.ServiceUserId == serviceUserId).Select(h => h.Hash);
        var sharing = db.BsnHashes.Where(h => hashes.Contains(h.Hash) && h.ServiceUserId != serviceUserId).Select(h => h.ServiceUserId);
        var dismissed = db.DuplicateDismissals
            .Where(d => d.ServiceUserId == serviceUserId || d.DuplicateServiceUserId == serviceUserId)
            .Select(d => d.ServiceUserId == serviceUserId ? d.DuplicateServiceUserId : d.ServiceUserId);
        return db.ServiceUsers.Where(s => s.MergedIntoId == null && sharing.Contains(s.Id) && !dismissed.Contains(s.Id));
    }
}
