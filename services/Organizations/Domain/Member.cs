using System.Linq.Expressions;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;

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

    /// <summary>A new member of <paramref name="organization"/>, starting at <paramref name="startAt"/>.</summary>
    public Member(Organization organization, MemberDetails details, DateTimeOffset startAt, DateTimeOffset now)
        : base(now)
    {
        if (!organization.IsActive)
        {
            throw new DomainRuleException("ORGANIZATION_DEACTIVATED", "A deactivated organization takes no new members.");
        }

        OrganizationId = organization.Id;
        StartAt = startAt;
        Apply(organization, details);
    }

    /// <summary>The member's organization.</summary>
    public string OrganizationId { get; private init; } = "";

    /// <summary>Name shown to colleagues.</summary>
    public string DisplayName { get; private set; } = "";

    /// <summary>Work e-mail, lowercase, unique in the network.</summary>
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

    /// <summary>The form e-mail addresses are stored and compared in.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Changes a member whose membership has not ended.</summary>
    public void Change(Organization organization, MemberDetails details, DateTimeOffset now)
    {
        if (EndAt is { } end && end <= now)
        {
            throw new DomainRuleException("MEMBERSHIP_ENDED", "The membership has ended; an ended member cannot be changed.");
        }

        Apply(organization, details);
        Touch(now);
    }

    /// <summary>Ends the membership at <paramref name="endAt"/> (now, or a planned departure).</summary>
    public void End(DateTimeOffset endAt, DateTimeOffset now)
    {
        if (EndAt is { } end && end <= now)
        {
            throw new DomainRuleException("MEMBERSHIP_ENDED", "The membership has already ended.");
        }

        if (endAt < StartAt)
        {
            throw new DomainRuleException("MEMBERSHIP_ENDS_BEFORE_START", "A membership cannot end before it starts.");
        }

        EndAt = endAt;
        Touch(now);
    }

    /// <summary>
    /// Ends the membership because its organization is deactivated: now, or, for a member who has not started yet, at its
    /// start, so that the membership never becomes active.
    /// </summary>
    public void EndWithOrganization(DateTimeOffset now) => End(StartAt > now ? StartAt : now, now);

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

        DisplayName = details.DisplayName;
        Email = NormalizeEmail(details.Email);
        Role = details.Role;
        Profession = details.Profession;
        Languages = [.. details.Languages.Distinct()];
    }
}
