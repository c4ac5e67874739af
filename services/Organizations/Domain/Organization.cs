using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Organizations.Domain;

/// <summary>The changeable details of an organization.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Kind">What kind of organization.</param>
/// <param name="Description">What it does.</param>
/// <param name="Website">Public website.</param>
/// <param name="Email">Contact e-mail.</param>
/// <param name="Phone">Contact phone.</param>
/// <param name="Neighbourhoods">Where it works; empty is city-wide.</param>
public sealed record OrganizationDetails(
    string Name,
    OrganizationKind Kind,
    string Description,
    string Website,
    string Email,
    string Phone,
    IReadOnlyList<string> Neighbourhoods);

/// <summary>An organization of the network. Never deleted: deactivation keeps it readable for the referrals that point to it.</summary>
public sealed class Organization : VersionedEntity
{
    private Organization()
    {
    }

    /// <summary>A new, active organization.</summary>
    public Organization(OrganizationDetails details, DateTimeOffset now)
        : base(now)
    {
        Apply(details);
    }

    /// <summary>Display name.</summary>
    public string Name { get; private set; } = "";

    /// <summary>What kind of organization.</summary>
    public OrganizationKind Kind { get; private set; }

    /// <summary>What it does.</summary>
    public string Description { get; private set; } = "";

    /// <summary>Public website.</summary>
    public string Website { get; private set; } = "";

    /// <summary>Contact e-mail.</summary>
    public string Email { get; private set; } = "";

    /// <summary>Contact phone.</summary>
    public string Phone { get; private set; } = "";

    /// <summary>Where it works; empty is city-wide.</summary>
    public string[] Neighbourhoods { get; private set; } = [];

    /// <summary>When it was deactivated, if it was.</summary>
    public DateTimeOffset? DeactivatedAt { get; private set; }

    /// <summary>True until deactivated.</summary>
    public bool IsActive => DeactivatedAt is null;

    /// <summary>The current details, to merge a partial update into.</summary>
    public OrganizationDetails Details => new(Name, Kind, Description, Website, Email, Phone, Neighbourhoods);

    /// <summary>Changes the details of an active organization.</summary>
    public void Change(OrganizationDetails details, DateTimeOffset now)
    {
        if (!IsActive)
        {
            throw new DomainRuleException("ORGANIZATION_DEACTIVATED", "A deactivated organization cannot be changed.");
        }

        if ((Kind == OrganizationKind.NetworkOffice) != (details.Kind == OrganizationKind.NetworkOffice))
        {
            throw new DomainRuleException("NETWORK_OFFICE_KIND", "Only the network office is of kind network office, and it keeps that kind.");
        }

        Apply(details);
        Touch(now);
    }

    /// <summary>Deactivates the organization; its services and members are ended by the caller in the same transaction.</summary>
    public void Deactivate(DateTimeOffset now)
    {
        if (!IsActive)
        {
            throw new DomainRuleException("ORGANIZATION_DEACTIVATED", "The organization is already deactivated.");
        }

        if (Kind == OrganizationKind.NetworkOffice)
        {
            throw new DomainRuleException("NETWORK_OFFICE_PERMANENT", "The network office cannot be deactivated: the network would lose its administrators.");
        }

        DeactivatedAt = now;
        Touch(now);
    }

    private void Apply(OrganizationDetails details)
    {
        Name = UnicodeText.Normalize(details.Name);
        Kind = details.Kind;
        Description = details.Description;
        Website = details.Website;
        Email = UnicodeText.Fold(details.Email);
        Phone = details.Phone;
        Neighbourhoods = [.. details.Neighbourhoods.Distinct()];
    }
}
