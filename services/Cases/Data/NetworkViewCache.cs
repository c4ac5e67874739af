using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Data;

/// <summary>
/// What a service user's network view is built from, whoever asks; what the caller may see of it is decided on every call
/// (consents and emergency accesses are kept with their times, so an expiry holds without a change to any row).
/// </summary>
/// <param name="User">The live record.</param>
/// <param name="Consents">The consents not revoked or ended when it was read (test with <see cref="Consent.Grants"/>).</param>
/// <param name="EmergencyAccesses">The emergency accesses not expired when it was read.</param>
/// <param name="HouseholdLinks">The links to household members (who of them the caller may see is asked of the database).</param>
/// <param name="OpenCase">The open case with its goals, if any.</param>
/// <param name="Needs">Every need, met ones too.</param>
/// <param name="Involvements">The involvements not ended when it was read (filter by <see cref="Involvement.IsActiveAt"/>).</param>
/// <param name="Referrals">The referrals of the service user.</param>
/// <param name="Timeline">The newest timeline entries, newest first (<see cref="NetworkViewCache.TimelineDepth"/> at most).</param>
/// <param name="OrganizationNames">Names of the organizations the involvements and referrals name.</param>
/// <param name="Members">The members the involvements name.</param>
/// <param name="ReadAt">When it was read: time only moves on from there.</param>
public sealed record NetworkSources(
    ServiceUser User,
    IReadOnlyList<Consent> Consents,
    IReadOnlyList<EmergencyAccess> EmergencyAccesses,
    IReadOnlyList<HouseholdLink> HouseholdLinks,
    Case? OpenCase,
    IReadOnlyList<Need> Needs,
    IReadOnlyList<Involvement> Involvements,
    IReadOnlyList<ReferralView> Referrals,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyDictionary<string, string> OrganizationNames,
    IReadOnlyDictionary<string, KnownMember> Members,
    DateTimeOffset ReadAt);

/// <summary>
/// Keeps the <see cref="NetworkSources"/> of recently viewed service users in memory, each with the stamps it was read
/// at: the service user's <see cref="NetworkViewStamp"/> and the database's <see cref="DataVersion"/> (organization and
/// member names). A view reads both stamps first (with the live id, in one statement on SQLite) and uses the kept
/// sources only when both are unchanged, so a change committed by any process is in the next view; the stamps are read
/// before the sources, so sources kept under a stamp are never older than it. Objects in the cache are shared between
/// calls and never changed.
/// </summary>
public sealed class NetworkViewCache(IOptions<CasesOptions> options) : IDisposable
{
    /// <summary>How many timeline entries are kept: the most a view asks for (100 events) with room for those it withholds.</summary>
    public const int TimelineDepth = 400;

    private static readonly CompiledPerModel<Func<CasesDbContext, string, CancellationToken, Task<LiveRecord?>>> LiveRecordOf = new(() =>
        EF.CompileAsyncQuery((CasesDbContext db, string id, CancellationToken _) => db.ServiceUsers
            .Where(s => s.Id == id)
            .Select(s => new LiveRecord(
                s.MergedIntoId ?? s.Id,
                db.Set<NetworkViewStamp>().Where(v => v.ServiceUserId == (s.MergedIntoId ?? s.Id)).Select(v => (Guid?)v.Stamp).FirstOrDefault()))
            .FirstOrDefault()));

    // Every view asks it first; on SQLite one kept statement reads the live id and both stamps in one read transaction.
    private static readonly SqliteKeptRead<SubjectStamp?> SqliteSubjectOf = new(
        names =>
        {
            string User(string property) => "s." + names.Column<ServiceUser>(property);
            var liveId = $"COALESCE({User(nameof(ServiceUser.MergedIntoId))}, {User(nameof(ServiceUser.Id))})";
            var stamp = $"(SELECT {names.Column<NetworkViewStamp>(nameof(NetworkViewStamp.Stamp))} FROM {names.Table<NetworkViewStamp>()} " +
                $"WHERE {names.Column<NetworkViewStamp>(nameof(NetworkViewStamp.ServiceUserId))} = {liveId})";
            return $"SELECT {liveId}, {stamp}, {DataVersion.StampSql(names)} FROM {names.Table<ServiceUser>()} AS s WHERE {User(nameof(ServiceUser.Id))} = {SqlNames.Argument}";
        },
        reader => reader.Read()
            ? new SubjectStamp(reader.GetString(0), reader.IsDBNull(1) ? null : Guid.Parse(reader.GetString(1)), DataVersion.StampAt(reader, 2))
            : null);

    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.NetworkViewCacheSize) });

    /// <summary>
    /// The live id of <paramref name="serviceUserId"/> (a merged record resolves to the one it went into), its view's stamp
    /// and the database's <see cref="DataVersion"/>, read before any source; null when unknown.
    /// </summary>
    public static async Task<SubjectStamp?> SubjectAsync(CasesDbContext db, string serviceUserId, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            return await SqliteSubjectOf.RunAsync(db, serviceUserId, cancellationToken);
        }

        return await LiveRecordOf.For(db)(db, serviceUserId, cancellationToken) is { } live
            ? new SubjectStamp(live.LiveId, live.Stamp, await DataVersion.ReadAsync(db, cancellationToken))
            : null;
    }

    /// <summary>The sources of <paramref name="subject"/>'s view as committed now: kept ones when its stamps still hold.</summary>
    public async Task<NetworkSources> SourcesAsync(CasesDbContext db, SubjectStamp subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (subject.Stamp is { } stamp && _kept.TryGetValue(subject.LiveId, out Kept? kept) && kept!.Stamp == stamp && kept.Directory == subject.Directory && kept.Sources.ReadAt <= now)
        {
            return kept.Sources;
        }

        var sources = await ReadAsync(db, subject.LiveId, now, cancellationToken);
        if (subject.Stamp is { } readAt)
        {
            _kept.Set(subject.LiveId, new Kept(readAt, subject.Directory, sources), new MemoryCacheEntryOptions { Size = 1 });
        }

        return sources;
    }

    /// <inheritdoc />
    public void Dispose() => _kept.Dispose();

    private static async Task<NetworkSources> ReadAsync(CasesDbContext db, string liveId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var user = await db.ServiceUsers.AsNoTracking().SingleAsync(s => s.Id == liveId, cancellationToken);
        var consents = await db.Consents.AsNoTracking().Where(c => c.ServiceUserId == liveId && c.RevokedAt == null && (c.EndAt == null || c.EndAt > now)).ToListAsync(cancellationToken);
        var emergencyAccesses = await db.EmergencyAccesses.AsNoTracking().Where(a => a.ServiceUserId == liveId && a.ExpireAt > now).ToListAsync(cancellationToken);
        var householdLinks = await db.HouseholdLinks.AsNoTracking().Where(l => l.ServiceUserId == liveId).ToListAsync(cancellationToken);
        var openCase = await db.Cases.AsNoTracking().Include(c => c.Goals).Where(c => c.ServiceUserId == liveId && c.Status == CaseStatus.Open).FirstOrDefaultAsync(cancellationToken);
        var needs = await db.Needs.AsNoTracking().Where(n => n.ServiceUserId == liveId).ToListAsync(cancellationToken);
        var involvements = await db.Involvements.AsNoTracking().Where(i => i.ServiceUserId == liveId && (i.EndAt == null || i.EndAt > now)).ToListAsync(cancellationToken);
        var referrals = await db.Referrals.AsNoTracking().Where(r => r.ServiceUserId == liveId).ToListAsync(cancellationToken);
        var timeline = await db.Timeline.AsNoTracking().Where(t => t.ServiceUserId == liveId).OrderByDescending(t => t.At).ThenByDescending(t => t.Id)
            .Take(TimelineDepth).ToListAsync(cancellationToken);
        var organizationIds = involvements.Select(i => i.OrganizationId).Concat(referrals.SelectMany(r => new[] { r.FromOrganizationId, r.ToOrganizationId })).Distinct().ToList();
        var organizations = await db.KnownOrganizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var memberIds = involvements.Where(i => i.MemberId != null).Select(i => i.MemberId!).Distinct().ToList();
        var members = await db.KnownMembers.AsNoTracking().Where(m => memberIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        return new NetworkSources(user, consents, emergencyAccesses, householdLinks, openCase, needs, involvements, referrals, timeline, organizations, members, now);
    }

    private sealed record Kept(Guid Stamp, Guid Directory, NetworkSources Sources);

    private sealed record LiveRecord(string LiveId, Guid? Stamp);
}

/// <summary>A service user's live id and the stamps its view was asked at.</summary>
/// <param name="LiveId">The live record's id.</param>
/// <param name="Stamp">Its <see cref="NetworkViewStamp"/> (null for a record from before stamps, never kept).</param>
/// <param name="Directory">The database's <see cref="DataVersion"/> (organization and member names).</param>
public sealed record SubjectStamp(string LiveId, Guid? Stamp, Guid Directory);
