using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// This process's projection of the directory's memberships: what every call's member check reads. Filled lazily from
/// <see cref="IMembershipSource"/> on a miss, kept current by MemberChanged and OrganizationChanged events, trusted for
/// <see cref="AuthOptions.MembershipRefresh"/> after a read so that a lost event heals.
/// <para>
/// Every state carries its directory version and a state only ever replaces an older one: a late event cannot restore
/// an old membership, and a read that started before a change loses against the change's event when it lands after it.
/// Entries are never removed, so that guard survives expiry; the directory never deletes members either, so the
/// projection is as large as the part of the directory this process has seen.
/// </para>
/// </summary>
public sealed class MembershipCache(IMembershipSource source, TimeProvider time, IOptions<AuthOptions> options)
{
    private readonly ConcurrentDictionary<string, Versioned<MemberState?>> _members = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Versioned<OrganizationState>> _organizations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _reads = new(StringComparer.Ordinal);

    /// <summary>
    /// True when <paramref name="caller"/>'s member is active now, in the token's organization, with the token's role.
    /// The membership's start and end are compared with the clock on every call.
    /// </summary>
    /// <exception cref="MembershipUnavailableException">The membership is not known and the directory could not be asked.</exception>
    public async ValueTask<bool> ConfirmsAsync(Caller caller, CancellationToken cancellationToken) =>
        await ConfirmedAsync(caller, cancellationToken) is not null;

    /// <summary>The caller's standing when the directory confirms it (active, in this organization, in this role); otherwise null.</summary>
    public async ValueTask<MemberStanding?> ConfirmedAsync(Caller caller, CancellationToken cancellationToken) =>
        await FindAsync(caller.MemberId, cancellationToken) is { IsActive: true } standing
        && standing.OrganizationId == caller.OrganizationId
        && standing.Role == caller.Role
            ? standing
            : null;

    /// <summary>The member's standing now, or null when there is no such member.</summary>
    /// <exception cref="MembershipUnavailableException">The membership is not known and the directory could not be asked.</exception>
    public async ValueTask<MemberStanding?> FindAsync(string memberId, CancellationToken cancellationToken)
    {
        if (!IsTrusted(memberId, time.GetUtcNow()))
        {
            await SharedReadAsync(memberId).WaitAsync(cancellationToken);
        }

        return StandingAt(memberId, time.GetUtcNow());
    }

    /// <summary>Applies a member's state from an event or from a change this process made; an older version is ignored.</summary>
    public void Apply(MemberState member) => Apply(_members, member.MemberId, member, member.Version, readAt: null);

    /// <summary>
    /// Applies an organization's state from an event or from a change this process made; an older version is ignored.
    /// A deactivation refuses every member of the organization at once: a standing always joins the two.
    /// </summary>
    public void Apply(OrganizationState organization) => Apply(_organizations, organization.OrganizationId, organization, organization.Version, readAt: null);

    // One read per member at a time, shared by every call that waits for it; a caller that gives up does not cancel it.
    private Task SharedReadAsync(string memberId)
    {
        var mine = new Lazy<Task>(() => ReadAsync(memberId));
        var shared = _reads.GetOrAdd(memberId, mine);
        var read = shared.Value;
        if (ReferenceEquals(shared, mine))
        {
            read.ContinueWith(_ => _reads.TryRemove(KeyValuePair.Create(memberId, mine)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return read;
    }

    private async Task ReadAsync(string memberId)
    {
        // The read is stamped with its start: anything committed after that may be missing from it.
        var startedAt = time.GetUtcNow();
        var read = await source.ReadAsync(memberId, CancellationToken.None);
        Apply(_members, memberId, read.Member, read.Member?.Version ?? 0, startedAt);
        if (read.Organization is { } organization)
        {
            Apply(_organizations, organization.OrganizationId, organization, organization.Version, startedAt);
        }
    }

    private bool IsTrusted(string memberId, DateTimeOffset now) =>
        _members.TryGetValue(memberId, out var member)
        && IsTrusted(member.ReadAt, now)
        && (member.State is not { } state || (_organizations.TryGetValue(state.OrganizationId, out var organization) && IsTrusted(organization.ReadAt, now)));

    private bool IsTrusted(DateTimeOffset? readAt, DateTimeOffset now) => readAt is { } at && now - at < options.Value.MembershipRefresh;

    private MemberStanding? StandingAt(string memberId, DateTimeOffset now)
    {
        if (!_members.TryGetValue(memberId, out var entry) || entry.State is not { } member)
        {
            return null;
        }

        var known = _organizations.TryGetValue(member.OrganizationId, out var organization);
        return new MemberStanding(member.MemberId, member.OrganizationId, member.Role, known && organization!.State.IsActive && member.IsActiveAt(now))
        {
            Profession = member.Profession,
            OrganizationKind = known ? organization!.State.Kind : null,
            EndsAt = member.EndAt,
            Version = member.Version,
        };
    }

    // The version guard: a newer version replaces the state; a read of the same version only renews the trust in it;
    // an older version changes nothing. Events (readAt null) never extend trust: only a read of the directory does.
    private static void Apply<T>(ConcurrentDictionary<string, Versioned<T>> entries, string key, T state, long version, DateTimeOffset? readAt) =>
        entries.AddOrUpdate(
            key,
            static (_, candidate) => candidate,
            static (_, held, candidate) =>
                candidate.Version > held.Version ? candidate with { ReadAt = candidate.ReadAt ?? held.ReadAt }
                : candidate.Version == held.Version && candidate.ReadAt > (held.ReadAt ?? DateTimeOffset.MinValue) ? held with { ReadAt = candidate.ReadAt }
                : held,
            new Versioned<T>(state, version, readAt));

    /// <summary>A state at a version; <paramref name="ReadAt"/> is when the directory confirmed it, null when only events did.</summary>
    private sealed record Versioned<T>(T State, long Version, DateTimeOffset? ReadAt);
}
