using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Domain;

/// <summary>The changeable personal details of a service user.</summary>
/// <param name="GivenName">Given name(s).</param>
/// <param name="FamilyName">Family name including prefixes.</param>
/// <param name="DateOfBirth">Date of birth.</param>
/// <param name="Languages">Languages spoken, preferred first.</param>
/// <param name="InterpreterNeeded">Whether contact needs an interpreter.</param>
public sealed record ServiceUserDetails(string GivenName, string FamilyName, DateOnly DateOfBirth, IReadOnlyList<string> Languages, bool InterpreterNeeded);

/// <summary>
/// A citizen supported by the network. The record holds no BSN: its keyed hashes live beside it
/// (<see cref="BsnHash"/>). Never deleted while referenced; a record merged into another answers as that one.
/// </summary>
public sealed class ServiceUser : VersionedEntity
{
    private ServiceUser()
    {
    }

    /// <summary>A service user registered by <paramref name="organizationId"/>, living in <paramref name="neighbourhood"/>.</summary>
    public ServiceUser(ServiceUserDetails details, string neighbourhood, string organizationId, DateTimeOffset now)
        : base(now)
    {
        Neighbourhood = neighbourhood;
        RegisteredByOrganizationId = organizationId;
        Apply(details, now);
    }

    /// <summary>Given name(s).</summary>
    public string GivenName { get; private set; } = "";

    /// <summary>Family name including prefixes.</summary>
    public string FamilyName { get; private set; } = "";

    /// <summary>Date of birth.</summary>
    public DateOnly DateOfBirth { get; private set; }

    /// <summary>Neighbourhood code; changed only by a move.</summary>
    public string Neighbourhood { get; private set; } = "";

    /// <summary>Languages spoken, preferred first.</summary>
    public string[] Languages { get; private set; } = [];

    /// <summary>Whether contact needs an interpreter.</summary>
    public bool InterpreterNeeded { get; private set; }

    /// <summary>Whether a BSN was given at registration.</summary>
    public bool HasBsn { get; private set; }

    /// <summary>The organization that registered this record.</summary>
    public string RegisteredByOrganizationId { get; private init; } = "";

    /// <summary>The record this one was merged into, once the service user confirmed both are theirs.</summary>
    public string? MergedIntoId { get; private set; }

    /// <summary>The details as they are now.</summary>
    public ServiceUserDetails Details => new(GivenName, FamilyName, DateOfBirth, Languages, InterpreterNeeded);

    /// <summary>The age in whole years on <paramref name="day"/>: what a service's age limits are checked against.</summary>
    public int AgeOn(DateOnly day)
    {
        var age = day.Year - DateOfBirth.Year;
        return day < DateOfBirth.AddYears(age) ? age - 1 : age;
    }

    /// <summary>Records that a BSN was given (its hashes are stored beside the record).</summary>
    public void RecordBsnGiven() => HasBsn = true;

    /// <summary>Changes the personal details.</summary>
    public void Update(ServiceUserDetails details, DateTimeOffset now)
    {
        EnsureLive();
        Apply(details, now);
        Touch(now);
    }

    /// <summary>Records that the household links changed (they are the record's too: its etag moves).</summary>
    public void RecordHouseholdChange(DateTimeOffset now)
    {
        EnsureLive();
        Touch(now);
    }

    /// <summary>Moves the service user to <paramref name="neighbourhood"/>; returns the neighbourhood moved from.</summary>
    public string MoveTo(string neighbourhood, DateTimeOffset now)
    {
        EnsureLive();
        if (neighbourhood == Neighbourhood)
        {
            throw new DomainRuleException("SAME_NEIGHBOURHOOD", "The service user already lives in that neighbourhood.");
        }

        var from = Neighbourhood;
        Neighbourhood = neighbourhood;
        Touch(now);
        return from;
    }

    /// <summary>Absorbs <paramref name="duplicate"/>, which becomes an alias of this record.</summary>
    public void Absorb(ServiceUser duplicate, DateTimeOffset now)
    {
        EnsureLive();
        duplicate.EnsureLive();
        if (duplicate.Id == Id)
        {
            throw new DomainRuleException("SAME_SERVICE_USER", "A service user cannot be merged with itself.");
        }

        HasBsn |= duplicate.HasBsn;
        duplicate.MergedIntoId = Id;
        duplicate.Touch(now);
        Touch(now);
    }

    private void EnsureLive()
    {
        if (MergedIntoId is not null)
        {
            throw new DomainRuleException("SERVICE_USER_MERGED", "This record was merged into another; use that one.");
        }
    }

    private void Apply(ServiceUserDetails details, DateTimeOffset now)
    {
        if (details.DateOfBirth > DateOnly.FromDateTime(now.UtcDateTime))
        {
            throw new DomainRuleException("DATE_OF_BIRTH_IN_FUTURE", "A date of birth cannot be in the future.");
        }

        GivenName = details.GivenName;
        FamilyName = details.FamilyName;
        DateOfBirth = details.DateOfBirth;
        Languages = [.. details.Languages];
        InterpreterNeeded = details.InterpreterNeeded;
    }
}

/// <summary>
/// A keyed hash of a service user's BSN under one key of the ring. A registration stores one per key the ring holds,
/// so a record registered before a key rotation and one registered after still share a hash.
/// </summary>
public sealed class BsnHash
{
    private BsnHash()
    {
    }

    /// <summary>The hash of <paramref name="serviceUserId"/>'s BSN under the key <paramref name="keyId"/>.</summary>
    public BsnHash(string serviceUserId, string keyId, string hash)
    {
        ServiceUserId = serviceUserId;
        KeyId = keyId;
        Hash = hash;
    }

    /// <summary>The service user.</summary>
    public string ServiceUserId { get; private init; } = "";

    /// <summary>The id of the key that made the hash.</summary>
    public string KeyId { get; private init; } = "";

    /// <summary>HMAC-SHA256 of the BSN, hex.</summary>
    public string Hash { get; private init; } = "";
}
