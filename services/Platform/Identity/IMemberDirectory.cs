using ReferralNet.Platform.Domain;

namespace ReferralNet.Platform.Identity;

/// <summary>What the directory knows of a member when a call arrives.</summary>
/// <param name="MemberId">The member id.</param>
/// <param name="OrganizationId">The member's organization.</param>
/// <param name="Role">The member's current role.</param>
/// <param name="IsActive">True while the membership has started and not ended (and the organization is active).</param>
public sealed record MemberStanding(string MemberId, string OrganizationId, MemberRole Role, bool IsActive)
{
    /// <summary>The member's profession code; empty for non-professionals or when unknown.</summary>
    public string Profession { get; init; } = "";

    /// <summary>The kind of the member's organization, when known.</summary>
    public OrganizationKind? OrganizationKind { get; init; }

    /// <summary>When the membership ends or ended, when an end is known.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>The membership's version; higher is newer.</summary>
    public long Version { get; init; }
}

/// <summary>
/// Finds members to issue development tokens for. Only a process that runs the organizations service has it; every
/// process checks its callers through <see cref="MembershipCache"/> instead.
/// </summary>
public interface IMemberDirectory
{
    /// <summary>Finds an active member by id or e-mail address (for issuing development tokens).</summary>
    ValueTask<MemberStanding?> FindForSignInAsync(string idOrEmail, CancellationToken cancellationToken);

    /// <summary>Finds an active network administrator (for issuing a development token).</summary>
    ValueTask<MemberStanding?> FindNetworkAdminAsync(CancellationToken cancellationToken);
}
