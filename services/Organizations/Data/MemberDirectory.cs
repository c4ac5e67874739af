using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Organizations.Data;

/// <summary>Answers, from the directory's own tables, whether the member behind a token may still act.</summary>
internal sealed class MemberDirectory(IServiceScopeFactory scopes, TimeProvider time) : IMemberDirectory
{
    public async ValueTask<MemberStanding?> FindAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
        return await StandingAsync(db, db.Members.Where(m => m.Id == memberId), cancellationToken);
    }

    public async ValueTask<MemberStanding?> FindForSignInAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
        var email = Member.NormalizeEmail(idOrEmail);
        var standing = await StandingAsync(db, db.Members.Where(m => m.Id == idOrEmail || m.Email == email), cancellationToken);
        return standing is { IsActive: true } ? standing : null;
    }

    public async ValueTask<MemberStanding?> FindNetworkAdminAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
        var now = time.GetUtcNow();
        var admin = await db.Members.AsNoTracking()
            .Where(m => m.Role == MemberRole.NetworkAdmin && m.StartAt <= now && (m.EndAt == null || m.EndAt > now))
            .OrderBy(m => m.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return admin is null ? null : new MemberStanding(admin.Id, admin.OrganizationId, admin.Role, true);
    }

    private async Task<MemberStanding?> StandingAsync(OrganizationsDbContext db, IQueryable<Member> members, CancellationToken cancellationToken)
    {
        var found = await members.AsNoTracking()
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new { Member = m, OrganizationActive = o.DeactivatedAt == null })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null
            ? null
            : new MemberStanding(found.Member.Id, found.Member.OrganizationId, found.Member.Role, found.OrganizationActive && found.Member.IsActiveAt(time.GetUtcNow()));
    }
}
