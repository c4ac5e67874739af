using System.Linq.Expressions;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Organizations.Domain;

/// <summary>The changeable details of a member.</summary>
/// <param name="DisplayName">Name shown to colleagues.</param>
/// <param name="Email">Work e-mail, unique in the network.</param>
/// <param name="Role">What the member may do.</param>
/// <param name="Profession">Profession code; required for professionals.</param>
/// <param name="Languages">Languages the member speaks.</param>
public sealed record MemberDetails(string DisplayName, string Email, MemberRole Role, string Profession, IReadOnlyList<string> Languages);

/// <summary>
/// A member of an organization. Professionals come and go (most stay under two years), so a membership has a
/// start and an end; an ended member's tokens are refused, and the record stays for history and handover.
/// </summary>
public sealed class Member : VersionedEntity
{
    private Member()
    {
    }

    /// <summary>
    /// A new member of <paramref name="organization"/> from <paramref name="startAt"/>, until <paramref name="endAt"/> when
    /// the departure is known already.
    /// </summary>
    public Member(Organization organization, MemberDetails details, DateTimeOffset startAt, DateTimeOffset now, DateTimeOffset? endAt = null)
        : base(now)
    {
        if (!organization.IsActive)
        {
            throw new DomainRuleException("ORGANIZATION_DEACTIVATED", "A deactivated organization takes no new members.");
        }

        if (endAt < startAt)
        {
            throw new DomainRuleException("MEMBERSHIP_ENDS_BEFORE_START", "A membership cannot end before it starts.");
        }

        OrganizationId = organization.Id;
        StartAt = startAt;
        EndAt = endAt;
        Apply(organization, details);
    }

    /// <summary>
    /// A new member appointed org-admin of <paramref name="organization"/> by a network administrator, which is allowed
    /// only while the organization has no active administrator (its last one left).
    /// </summary>
    public static Member AppointedOrgAdmin(Organization organization, OrganizationAdministrators administrators, MemberDetails details, DateTimeOffset now)
    {
        administrators.EnsureVacant(now);
        return new Member(organization, details with { Role = MemberRole.OrgAdmin, Profession = "" }, now, now);
    }

    /// <summary>The member's organization.</summary>
    public string OrganizationId { get; private init; } = "";

    /// <summary>Name shown to colleagues.</summary>
    public string DisplayName { get; private set; } = "";

    /// <summary>Work e-mail, folded (see <see cref="NormalizeEmail"/>), unique in the network.</summary>
    public string Email { get; private set; } = "";

    /// <summary>What the member may do.</summary>
    public MemberRole Role { get; private set; }

    /// <summary>Profession code.</summary>
    public string Profession { get; private set; } = "";

    /// <summary>Languages the member speaks.</summary>
    public string[] Languages { get; private set; } = [];

    /// <summary>When the membership started.</summary>
    public DateTimeOffset StartAt { get; private set; }

    /// <summary>When it ends or ended.</summary>
    public DateTimeOffset? EndAt { get; private set; }

    /// <summary>The current details, to merge a partial update into.</summary>
    public MemberDetails Details => new(DisplayName, Email, Role, Profession, Languages);

    /// <summary>True for a role that administers the organization: org-admin, and network administrator in the network office.</summary>
    public bool Administers => Role is MemberRole.OrgAdmin or MemberRole.NetworkAdmin;

    /// <summary>True while the membership has started and not ended.</summary>
    public bool IsActiveAt(DateTimeOffset now) => IsActiveDuring(StartAt, EndAt, now);

    /// <summary>The active rule as a database filter.</summary>
    public static Expression<Func<Member, bool>> ActiveAt(DateTimeOffset now) =>
        m => m.StartAt <= now && (m.EndAt == null || m.EndAt > now);

    /// <summary>Memberships not ended by <paramref name="now"/> (active or starting later), as a database filter.</summary>
    public static Expression<Func<Member, bool>> NotEndedAt(DateTimeOffset now) =>
        m => m.EndAt == null || m.EndAt > now;

    /// <summary>The rule itself, for callers that hold only the dates (the membership cache).</summary>
    public static bool IsActiveDuring(DateTimeOffset startAt, DateTimeOffset? endAt, DateTimeOffset now) =>
        startAt <= now && (endAt is null || endAt > now);

    /// <summary>Administrators of <paramref name="organizationId"/> whose membership has not ended, as a database filter.</summary>
    public static Expression<Func<Member, bool>> AdministratorsOf(string organizationId, DateTimeOffset now) =>
        m => m.OrganizationId == organizationId && (m.Role == MemberRole.OrgAdmin || m.Role == MemberRole.NetworkAdmin) && (m.EndAt == null || m.EndAt > now);

    /// <summary>
    /// The form e-mail addresses are stored and compared in: folded (<see cref="UnicodeText.Fold"/>), so that two addresses
    /// that render alike, in another case or in fullwidth letters, are one address and cannot both sign in.
    /// </summary>
    public static string NormalizeEmail(string email) => UnicodeText.Fold(email);

    /// <summary>True for a normalized address of the form local@domain, without white space.</summary>
    public static bool IsEmailAddress(string normalized)
    {
        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == normalized.LastIndexOf('@') && at < normalized.Length - 1 && !normalized.Any(char.IsWhiteSpace);
    }

    /// <summary>
    /// Changes a member whose membership has not ended. An org-admin who is given another role must leave another active
    /// administrator behind (<paramref name="administrators"/>, read under the organization's lock).
    /// </summary>
    public void Change(Organization organization, MemberDetails details, OrganizationAdministrators administrators, DateTimeOffset now)
    {
        EnsureNotEnded(now);
        if (Administers && details.Role is not (MemberRole.OrgAdmin or MemberRole.NetworkAdmin))
        {
            administrators.EnsureOneRemainsWithout(this, now, now);
        }

        Apply(organization, details);
        Touch(now);
    }

    /// <summary>
    /// Ends the membership at <paramref name="endAt"/> (now, a planned departure, or a departure recorded late). The last
    /// active administrator cannot be ended: when an administrator stops, another must be active (see
    /// <see cref="OrganizationAdministrators"/>).
    /// </summary>
    public void End(DateTimeOffset endAt, OrganizationAdministrators administrators, DateTimeOffset now)
    {
        EnsureNotEnded(now);
        administrators.EnsureOneRemainsWithout(this, endAt > now ? endAt : now, now);
        SetEnd(endAt, now);
    }

    /// <summary>
    /// Ends the membership because its organization is deactivated: now, or, for a member who has not started yet, at its
    /// start, so that the membership never becomes active. Its administrators go with it.
    /// </summary>
    public void EndWithOrganization(DateTimeOffset now)
    {
        EnsureNotEnded(now);
        SetEnd(StartAt > now ? StartAt : now, now);
    }

    /// <summary>
    /// Makes this active member the org-admin of an organization that has no active administrator: a network
    /// administrator's appointment after the last org-admin left.
    /// </summary>
    public void AppointOrgAdmin(Organization organization, OrganizationAdministrators administrators, DateTimeOffset now)
    {
        if (!IsActiveAt(now))
        {
            throw new DomainRuleException("MEMBERSHIP_ENDED", "Only an active member can be appointed org-admin.");
        }

        administrators.EnsureVacant(now);
        Apply(organization, Details with { Role = MemberRole.OrgAdmin });
        Touch(now);
    }

    private void EnsureNotEnded(DateTimeOffset now)
    {
        if (EndAt is { } end && end <= now)
        {
            throw new DomainRuleException("MEMBERSHIP_ENDED", "The membership has ended; an ended member cannot be changed.");
        }
    }

    private void SetEnd(DateTimeOffset endAt, DateTimeOffset now)
    {
        if (endAt < StartAt)
        {
            throw new DomainRuleException("MEMBERSHIP_ENDS_BEFORE_START", "A membership cannot end before it starts.");
        }

        EndAt = endAt;
        Touch(now);
    }

    private void Apply(Organization organization, MemberDetails details)
    {
        if (details.Role == MemberRole.NetworkAdmin && organization.Kind != OrganizationKind.NetworkOffice)
        {
            throw new DomainRuleException("NETWORK_ADMIN_OUTSIDE_OFFICE", "Only members of the network office can be network administrators.");
        }

        if (details.Role == MemberRole.Professional && string.IsNullOrEmpty(details.Profession))
        {
            throw new DomainRuleException("PROFESSION_REQUIRED", "A professional has a profession.");
        }

        DisplayName = UnicodeText.Normalize(details.DisplayName);
        Email = NormalizeEmail(details.Email);
        Role = details.Role;
        Profession = details.Profession;
        Languages = [.. details.Languages.Distinct()];
    }
}
