using ReferralNet.Platform.Domain;

namespace ReferralNet.Organizations.Domain;

/// <summary>
/// The members who administer one organization and whose membership has not ended: its org-admins, and in the network
/// office also its network administrators. Read inside the transaction that holds the organization's lock, so the rules
/// below see every change that committed before and none can commit alongside: two org-admins ending each other at the
/// same moment cannot both succeed.
/// </summary>
/// <param name="administrators">The administrators as read under the lock.</param>
public sealed class OrganizationAdministrators(IReadOnlyCollection<Member> administrators)
{
    /// <summary>
    /// An organization is not left without an administrator by accident: when <paramref name="member"/>, an active
    /// administrator, stops being one at <paramref name="stopsAt"/>, another administrator must be active at that moment
    /// (appoint the successor first; one who starts by then counts).
    /// </summary>
    internal void EnsureOneRemainsWithout(Member member, DateTimeOffset stopsAt, DateTimeOffset now)
    {
        if (member.Administers && member.IsActiveAt(now) && !administrators.Any(a => a.Id != member.Id && a.Administers && a.IsActiveAt(stopsAt)))
        {
            throw new DomainRuleException(
                "LAST_ORG_ADMIN", "This member is the organization's last active administrator; appoint another org-admin first, active when this one stops.");
        }
    }

    /// <summary>
    /// A network administrator appoints an org-admin only where there is none: while the organization has an active
    /// administrator, that administrator manages its members.
    /// </summary>
    internal void EnsureVacant(DateTimeOffset now)
    {
        if (administrators.Any(a => a.Administers && a.IsActiveAt(now)))
        {
            throw new DomainRuleException("ORGANIZATION_HAS_ADMIN", "The organization has an active org-admin, who manages its members.");
        }
    }
}
