namespace ReferralNet.Platform.Identity;

/// <summary>What a member may do; the token's <c>role</c> claim carries the <see cref="RoleNames"/> spelling.</summary>
public enum MemberRole
{
    /// <summary>Manages the organizations of the network.</summary>
    NetworkAdmin = 1,

    /// <summary>Manages its own organization's services and members.</summary>
    OrgAdmin = 2,

    /// <summary>Works cases and referrals.</summary>
    Professional = 3,

    /// <summary>Reads access logs.</summary>
    PrivacyOfficer = 4,
}

/// <summary>The role names used in tokens.</summary>
public static class RoleNames
{
    private static readonly Dictionary<MemberRole, string> Names = new()
    {
        [MemberRole.NetworkAdmin] = "network-admin",
        [MemberRole.OrgAdmin] = "org-admin",
        [MemberRole.Professional] = "professional",
        [MemberRole.PrivacyOfficer] = "privacy-officer",
    };

    /// <summary>The token spelling of <paramref name="role"/>.</summary>
    public static string Of(MemberRole role) => Names[role];

    /// <summary>Parses a token's role claim.</summary>
    public static bool TryParse(string? name, out MemberRole role)
    {
        foreach (var (candidate, spelling) in Names)
        {
            if (spelling == name)
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }
}
