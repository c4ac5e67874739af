using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Organizations.Data;

/// <summary>
/// The directory's own answer to "who is this member": the membership source of <see cref="MembershipCache"/> in a
/// process that runs the organizations service (and what CheckMembership answers other processes), and the sign-in
/// lookups of development tokens.
/// </summary>
public sealed class MemberDirectory(IServiceScopeFactory scopes, TimeProvider time) : IMembershipSource, IMemberDirectory
{
    /// <inheritdoc />
    public async Task<MembershipRead> ReadAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await ReadAsync(scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>(), memberId, cancellationToken);
    }

    /// <summary>Reads the membership of <paramref name="memberId"/> with <paramref name="db"/>.</summary>
    public static async Task<MembershipRead> ReadAsync(OrganizationsDbContext db, string memberId, CancellationToken cancellationToken) =>
        await MembershipsAsync(db, db.Members.Where(m => m.Id == memberId), cancellationToken) ?? new MembershipRead(null, null);

    /// <inheritdoc />
    public async ValueTask<MemberStanding?> FindForSignInAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
        var email = Member.NormalizeEmail(idOrEmail);
        var read = await MembershipsAsync(db, db.Members.Where(m => m.Id == idOrEmail || m.Email == email), cancellationToken);
        return read is { Member: { } member, Organization.IsActive: true } && member.IsActiveAt(time.GetUtcNow())
            ? new MemberStanding(member.MemberId, member.OrganizationId, member.Role, true)
            : null;
    }

    /// <inheritdoc />
    public async ValueTask<MemberStanding?> FindNetworkAdminAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
        var now = time.GetUtcNow();
        var admin = await db.Members.AsNoTracking()
            .Where(m => m.Role == MemberRole.NetworkAdmin)
            .Where(Member.ActiveAt(now))
            .OrderBy(m => m.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return admin is null ? null : new MemberStanding(admin.Id, admin.OrganizationId, admin.Role, true);
    }

    private static async Task<MembershipRead?> MembershipsAsync(OrganizationsDbContext db, IQueryable<Member> members, CancellationToken cancellationToken)
    {
        var row = await members.AsNoTracking()
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new
            {
                Member = new MemberState(m.Id, m.OrganizationId, m.Role, m.StartAt, m.EndAt, m.Version, m.Profession),
                OrganizationActive = o.DeactivatedAt == null,
                OrganizationVersion = o.Version,
                OrganizationKind = o.Kind,
            })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new MembershipRead(row.Member, new OrganizationState(row.Member.OrganizationId, row.OrganizationActive, row.OrganizationVersion, row.OrganizationKind));
    }
}

/// <summary>Tells this process's <see cref="MembershipCache"/> about the directory's own changes as soon as they commit.</summary>
public static class MembershipChanges
{
    /// <summary>
    /// Applies the members and organizations <paramref name="db"/> just saved, so the next call of this process sees the
    /// change without waiting for the event; other processes learn it from the MemberChanged and OrganizationChanged events.
    /// </summary>
    public static void ApplySaved(this MembershipCache cache, OrganizationsDbContext db)
    {
        foreach (var member in db.ChangeTracker.Entries<Member>().Select(e => e.Entity))
        {
            cache.Apply(new MemberState(member.Id, member.OrganizationId, member.Role, member.StartAt, member.EndAt, member.Version, member.Profession));
        }

        foreach (var organization in db.ChangeTracker.Entries<Organization>().Select(e => e.Entity))
        {
            cache.Apply(new OrganizationState(organization.Id, organization.IsActive, organization.Version, organization.Kind));
        }
    }
}
