using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Organizations.Data;

/// <summary>
/// Serializes the changes whose rules depend on an organization's state: creating a service or member (only while the
/// organization is active), deactivating it (which ends everything it has), and ending, demoting or appointing its
/// administrators (never none left by accident, an appointment only where there is none).
/// </summary>
/// <remarks>
/// Each such change runs in one transaction that first writes the organization's row with a no-op update
/// (<c>UPDATE organizations SET version = version WHERE id = …</c>) and only then reads what its rule depends on.
/// The update takes the row's write lock, held until commit: on PostgreSQL a row lock that plain inserts of services and
/// members do not wait for (their foreign-key check takes only a key-share lock), on SQL Server an exclusive key lock (an
/// updater never skips it the way a reader may skip an unchanged row). SQLite needs no update (<see cref="RowLocks.LockAsync{T}"/> writes nothing there):
/// the write already is the database's only writer, in the file's group commit behind BEGIN IMMEDIATE, and its reads see
/// every committed change. A second change of the same
/// organization waits at its update until the first commits; under READ COMMITTED its reads after the update are new
/// statements that see that commit (PostgreSQL takes a snapshot per statement, SQL Server reads committed rows, with
/// or without row versioning). So a create after a deactivation sees the organization deactivated and is refused, and
/// a deactivation after a create sees the new service or member and ends it. A plain read of the organization would not
/// do: a create could check the organization, the deactivation commit, and the create insert into the deactivated
/// organization. The version is not changed, so clients' etags of the organization stay valid.
/// </remarks>
internal static class OrganizationLock
{
    /// <summary>
    /// Runs <paramref name="change"/> (which saves its changes) in a write transaction holding the organization's lock,
    /// with the organization as committed now, tracked; commits when it returns. NOT_FOUND for an unknown organization.
    /// </summary>
    public static async Task<T> WithOrganizationLockedAsync<T>(
        this OrganizationsDbContext db, string organizationId, Func<Organization, Task<T>> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);

        if (await db.LockAsync(db.Organizations.Where(o => o.Id == organizationId), cancellationToken) == 0)
        {
            throw new NotFoundException("Organization", organizationId);
        }

        var organization = await db.OrganizationForChangeAsync(organizationId, cancellationToken)
            ?? throw new NotFoundException("Organization", organizationId);
        var result = await change(organization);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>The organization's administrators whose membership has not ended; read under its lock.</summary>
    public static async Task<OrganizationAdministrators> AdministratorsAsync(this OrganizationsDbContext db, string organizationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        new(await db.Members.AsNoTracking().Where(Member.AdministratorsOf(organizationId, now)).ToListAsync(cancellationToken));
}
