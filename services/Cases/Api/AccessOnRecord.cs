using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Cases.Api;

/// <summary>
/// Reads under consent that put the service user and the consent they rest on into the call's audit record, so that the
/// service user's access log (NEN 7513) names both for every access, refused ones included.
/// </summary>
internal static class AccessOnRecord
{
    /// <summary>The service user <paramref name="id"/> when the caller may see it (NOT_FOUND otherwise), on record with its consent.</summary>
    public static async Task<VisibleServiceUser> VisibleOnRecordAsync(
        this CasesDbContext db, AuditScope audit, string id, Caller caller, DateTimeOffset now, CancellationToken cancellationToken,
        bool tracked = false, params ConsentPurpose[] purposes)
    {
        audit.Subject(id, id);
        var visible = await db.VisibleAsync(id, caller, now, cancellationToken, tracked, purposes) ?? throw new NotFoundException("Service user", id);
        audit.Subject(visible.User.Id, visible.User.Id);
        audit.Grounds($"consent:{visible.Basis.Id}");
        return visible;
    }

    /// <summary>
    /// An object asked for by its own id: on record under the service user it belongs to, found or not (a stranger's guess
    /// belongs in that person's log, and the caller learns nothing from it), and, when found, under the consent that let
    /// the caller see it: one to its organization with one of <paramref name="purposes"/>, covering <paramref name="domain"/> when given.
    /// </summary>
    public static async Task<T> ObjectOnRecordAsync<T>(
        this CasesDbContext db, AuditScope audit, string id, IQueryable<T> visible, IQueryable<T> all, Caller caller, DateTimeOffset now,
        Func<T, string> serviceUserOf, Func<T, LifeDomain?> domainOf, string kind, ConsentPurpose[] purposes, CancellationToken cancellationToken)
        where T : class
    {
        audit.Subject(id);
        var found = await visible.FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            if (await all.AsNoTracking().FirstOrDefaultAsync(cancellationToken) is { } existing)
            {
                audit.Subject(id, serviceUserOf(existing));
            }

            throw new NotFoundException(kind, id);
        }

        var serviceUserId = serviceUserOf(found);
        audit.Subject(id, serviceUserId);
        var bit = domainOf(found) is { } domain ? Consent.MaskOf([domain]) : -1;
        var basis = await db.GrantsTo(caller, now)
            .Where(c => c.ServiceUserId == serviceUserId && (c.DomainMask & bit) != 0 && (purposes.Length == 0 || purposes.Contains(c.Purpose)))
            .OrderBy(c => c.Id).Select(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        if (basis is not null)
        {
            audit.Grounds($"consent:{basis}");
        }

        return found;
    }
}
