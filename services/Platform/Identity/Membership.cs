using ReferralNet.Platform.Domain;

namespace ReferralNet.Platform.Identity;

/// <summary>A member as far as a caller check needs it, at one version of the member.</summary>
/// <param name="MemberId">The member id.</param>
/// <param name="OrganizationId">The member's organization (never changes).</param>
/// <param name="Role">The member's role.</param>
/// <param name="StartAt">When the membership starts or started.</param>
/// <param name="EndAt">When it ends or ended; null when no end is planned.</param>
/// <param name="Version">The member's version; higher is newer.</param>
/// <param name="Profession">The member's profession code (what emergency access and clinical reads depend on); empty for non-professionals.</param>
public sealed record MemberState(string MemberId, string OrganizationId, MemberRole Role, DateTimeOffset StartAt, DateTimeOffset? EndAt, long Version, string Profession)
{
    /// <summary>True while the membership has started and not ended; compared with the clock on every call.</summary>
    public bool IsActiveAt(DateTimeOffset now) => StartAt <= now && (EndAt is null || EndAt > now);
}

/// <summary>An organization as far as a caller check needs it, at one version of the organization.</summary>
/// <param name="OrganizationId">The organization id.</param>
/// <param name="IsActive">False once the organization was deactivated; its members' calls are refused.</param>
/// <param name="Version">The organization's version; higher is newer.</param>
/// <param name="Kind">What kind of organization it is (consents can be given to every organization of a kind).</param>
public sealed record OrganizationState(string OrganizationId, bool IsActive, long Version, OrganizationKind Kind);

/// <summary>One read of the directory: the member (null when there is none) and its organization.</summary>
/// <param name="Member">The member, or null.</param>
/// <param name="Organization">The member's organization, or null when there is no member.</param>
public sealed record MembershipRead(MemberState? Member, OrganizationState? Organization);

/// <summary>
/// Where <see cref="MembershipCache"/> reads a membership it does not hold: the directory's own database when this
/// process runs the organizations service, its CheckMembership RPC when it does not.
/// </summary>
public interface IMembershipSource
{
    /// <summary>Reads the membership of <paramref name="memberId"/> as committed now.</summary>
    /// <exception cref="MembershipUnavailableException">The directory could not be asked.</exception>
    Task<MembershipRead> ReadAsync(string memberId, CancellationToken cancellationToken);
}

/// <summary>The directory could not be asked about a membership; the call fails with UNAVAILABLE, never admitted.</summary>
public sealed class MembershipUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
