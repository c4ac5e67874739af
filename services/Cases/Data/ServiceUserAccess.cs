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

        var consents = db.GrantsTo(caller, now).AsNoTracking().Where(c => c.ServiceUserId == liveId);
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

    /// <summary>
    /// The consents that grant the caller's organization (or its kind) access at <paramref name="now"/>. Queries test them
    /// per row with <c>Any(c =&gt; c.ServiceUserId == …)</c>, a correlated EXISTS on the consents' (service user,
    /// organization) index: <c>Select(c =&gt; c.ServiceUserId).Contains(…)</c> became an IN that SQLite materializes from
    /// every consent of the organization first (10 ms a call at 10,000 service users, growing with the caseload).
    /// </summary>
    public static IQueryable<Consent> GrantsTo(this CasesDbContext db, Caller caller, DateTimeOffset now) =>
        db.Consents.Where(Consent.GrantsAt(caller.OrganizationId, caller.OrganizationKind, now));

    /// <summary>The household links of <paramref name="serviceUserId"/> to members the caller may see too.</summary>
    public static Task<List<HouseholdLink>> VisibleHouseholdAsync(this CasesDbContext db, string serviceUserId, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var grants = db.GrantsTo(caller, now);
        return db.HouseholdLinks.AsNoTracking()
            .Where(l => l.ServiceUserId == serviceUserId && grants.Any(c => c.ServiceUserId == l.OtherServiceUserId))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The needs the caller's organization may see at <paramref name="now"/>: a consent to it (with one of
    /// <paramref name="purposes"/> when given) covers the need's service user and life domain.
    /// </summary>
    public static IQueryable<Need> VisibleNeeds(this CasesDbContext db, Caller caller, DateTimeOffset now, params ConsentPurpose[] purposes)
    {
        var consents = db.GrantsTo(caller, now);
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
        var grants = db.GrantsTo(caller, now);
        var visibleNeeds = db.VisibleNeeds(caller, now);
        return db.Involvements.Where(i => grants.Any(c => c.ServiceUserId == i.ServiceUserId) && (i.NeedId == null || visibleNeeds.Any(n => n.Id == i.NeedId)));
    }

    /// <summary>The cases the caller's organization may see at <paramref name="now"/>: those of service users it holds a COORDINATION consent for.</summary>
    public static IQueryable<Case> VisibleCases(this CasesDbContext db, Caller caller, DateTimeOffset now)
    {
        var coordinating = db.GrantsTo(caller, now).Where(c => c.Purpose == ConsentPurpose.Coordination);
        return db.Cases.Where(c => coordinating.Any(consent => consent.ServiceUserId == c.ServiceUserId));
    }

    /// <summary>
    /// The live records registered after <paramref name="user"/> that share a BSN hash with it and were not found to be
    /// other people: the possible duplicates its coordinator resolves. Only later ones: a record's coordinator must not
    /// learn from its own fresh registration that an earlier record of the BSN exists (that was an oracle of who else knows
    /// the person), nor merge an earlier record, with everything on it, into its own.
    /// </summary>
    public static IQueryable<ServiceUser> PossibleDuplicatesOf(this CasesDbContext db, ServiceUser user)
    {
        var (id, registered) = (user.Id, user.CreatedAt);
        var hashes = db.BsnHashes.Where(h => h.ServiceUserId == id).Select(h => h.Hash);
        var sharing = db.BsnHashes.Where(h => hashes.Contains(h.Hash) && h.ServiceUserId != id).Select(h => h.ServiceUserId);
        var dismissed = db.DuplicateDismissals
            .Where(d => d.ServiceUserId == id || d.DuplicateServiceUserId == id)
            .Select(d => d.ServiceUserId == id ? d.DuplicateServiceUserId : d.ServiceUserId);
        return db.ServiceUsers.Where(s => s.MergedIntoId == null && sharing.Contains(s.Id) && !dismissed.Contains(s.Id)
            && (s.CreatedAt > registered || (s.CreatedAt == registered && string.Compare(s.Id, id) > 0)));
    }
}
