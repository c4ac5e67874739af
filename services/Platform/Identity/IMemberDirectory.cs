namespace ReferralNet.Platform.Identity;

/// <summary>What the directory knows of a member when a call arrives.</summary>
/// <param name="MemberId">The member id.</param>
/// <param name="OrganizationId">The member's organization.</param>
/// <param name="Role">The member's current role.</param>
/// <param name="IsActive">True while the membership has started and not ended (and the organization is active).</param>
public sealed record MemberStanding(string MemberId, string OrganizationId, MemberRole Role, bool IsActive);

/// <summary>
/// Confirms, on every call, that the member behind a token is still active, still in the organization
/// and still has the role the token claims; tokens outlive staff turnover, the directory does not.
/// </summary>
public interface IMemberDirectory
{
    /// <summary>The member's standing now, or null when there is no such member.</summary>
    ValueTask<MemberStanding?> FindAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Finds an active member by id or e-mail address (for issuing development tokens).</summary>
    ValueTask<MemberStanding?> FindForSignInAsync(string idOrEmail, CancellationToken cancellationToken);

    /// <summary>Finds an active network administrator (for issuing a development token).</summary>
    ValueTask<MemberStanding?> FindNetworkAdminAsync(CancellationToken cancellationToken);
}
