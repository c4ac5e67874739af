using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Domain;

/// <summary>
/// What the cases service knows of an organization of the network, kept from OrganizationChanged events: its kind decides
/// whether a consent given to "every organization of a kind" covers it.
/// </summary>
public sealed class KnownOrganization
{
    private KnownOrganization()
    {
    }

    /// <summary>An organization as the event of <paramref name="version"/> describes it.</summary>
    public KnownOrganization(string id, string name, OrganizationKind kind, bool isActive, IReadOnlyList<string> neighbourhoods, long version)
    {
        Id = id;
        Apply(name, kind, isActive, neighbourhoods, version);
    }

    /// <summary>Its name.</summary>
    public string Name { get; private set; } = "";

    /// <summary>The organization id.</summary>
    public string Id { get; private init; } = "";

    /// <summary>Its kind.</summary>
    public OrganizationKind Kind { get; private set; }

    /// <summary>False once it was deactivated.</summary>
    public bool IsActive { get; private set; }

    /// <summary>The neighbourhoods it works in; empty is city-wide.</summary>
    public string[] Neighbourhoods { get; private set; } = [];

    /// <summary>Whether it works in <paramref name="neighbourhood"/>.</summary>
    public bool Serves(string neighbourhood) => Neighbourhoods.Length == 0 || Neighbourhoods.Contains(neighbourhood);

    /// <summary>The version of the organization this describes; a late older event never replaces a newer one.</summary>
    public long Version { get; private set; }

    /// <summary>Takes the state of <paramref name="version"/> when it is newer than what is held.</summary>
    public void Apply(string name, OrganizationKind kind, bool isActive, IReadOnlyList<string> neighbourhoods, long version)
    {
        if (version <= Version)
        {
            return;
        }

        Name = name;
        Kind = kind;
        IsActive = isActive;
        Neighbourhoods = [.. neighbourhoods];
        Version = version;
    }
}
