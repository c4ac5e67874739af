using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Organizations.Data;

/// <summary>
/// Answers, from the directory's own tables, whether the member behind a token may still act. Every call of every
/// service asks, so memberships are cached briefly; the cached start and end are compared with the clock on each call
/// (an end date takes effect on time), changes made in this process clear the cache at once, and other processes
/// see a change within <see cref="CacheFor"/>.
/// </summary>
public sealed class MemberDirectory(IServiceScopeFactory scopes, TimeProvider time) : IMemberDirectory
{
    /// <summary>How long another process may answer from a membership read before a change.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Cached> _memberships = new();

    public async ValueTask<MemberStanding?> FindAsync(string memberId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_memberships.TryGetValue(memberId, out var cached) || now - cached.ReadAt > CacheFor)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
            cached = new Cached(await MembershipAsync(db, db.Members.Where(m => m.Id == memberId), cancellationToken), now);
            _memberships[memberId] = cached;
        }

        return cached.Membership?.StandingAt(now);
    }

    /// <summary>Forgets every cached membership; called after any change to members or organizations.</summary>
    public void Forget() => _memberships.Clear();

    public async ValueTask<MemberStanding?> FindForSignInAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrganizationsDbContext>();
        var email = Member.NormalizeEmail(idOrEmail);
        var standing = (await MembershipAsync(db, db.Members.Where(m => m.Id == idOrEmail || m.Email == email), cancellationToken))?.StandingAt(time.GetUtcNow());
        return standing is { IsActive: true } ? standing : null;
    }

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

    private static Task<Membership?> MembershipAsync(OrganizationsDbContext db, IQueryable<Member> members, CancellationToken cancellationToken) =>
        members.AsNoTracking()
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) =>
                new Membership(m.Id, m.OrganizationId, m.Role, m.StartAt, m.EndAt, o.DeactivatedAt == null))
            .FirstOrDefaultAsync(cancellationToken);

    private sealed record Membership(string MemberId, string OrganizationId, MemberRole Role, DateTimeOffset StartAt, DateTimeOffset? EndAt, bool OrganizationActive)
    {
        public MemberStanding StandingAt(DateTimeOffset now) =>
            new(MemberId, OrganizationId, Role, OrganizationActive && Member.IsActiveDuring(StartAt, EndAt, now));
    }

    private sealed record Cached(Membership? Membership, DateTimeOffset ReadAt);
}
