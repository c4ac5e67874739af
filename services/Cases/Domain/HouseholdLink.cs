using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Domain;

/// <summary>How another service user relates to one within a household.</summary>
public enum HouseholdRelation
{
    /// <summary>Partner or spouse.</summary>
    Partner = 1,

    /// <summary>Parent or carer; the reverse link is <see cref="Child"/>.</summary>
    Parent = 2,

    /// <summary>Child; the reverse link is <see cref="Parent"/>.</summary>
    Child = 3,

    /// <summary>Brother or sister.</summary>
    Sibling = 4,

    /// <summary>Another member of the same household.</summary>
    Other = 5,
}

/// <summary>A link from one service user to another member of the household; every link has its reverse.</summary>
public sealed class HouseholdLink
{
    private HouseholdLink()
    {
    }

    private HouseholdLink(string serviceUserId, string otherServiceUserId, HouseholdRelation relation, DateTimeOffset linkedAt)
    {
        ServiceUserId = serviceUserId;
        OtherServiceUserId = otherServiceUserId;
        Relation = relation;
        LinkedAt = linkedAt;
    }

    /// <summary>The service user the link belongs to.</summary>
    public string ServiceUserId { get; private init; } = "";

    /// <summary>The other member of the household.</summary>
    public string OtherServiceUserId { get; private init; } = "";

    /// <summary>What the other is to this service user.</summary>
    public HouseholdRelation Relation { get; private init; }

    /// <summary>When the link was made.</summary>
    public DateTimeOffset LinkedAt { get; private init; }

    /// <summary>This link with <paramref name="mergedId"/> replaced by the record it was merged into.</summary>
    public HouseholdLink Repointed(string mergedId, string survivorId) => new(
        ServiceUserId == mergedId ? survivorId : ServiceUserId,
        OtherServiceUserId == mergedId ? survivorId : OtherServiceUserId,
        Relation,
        LinkedAt);

    /// <summary>The link from <paramref name="serviceUserId"/> to <paramref name="otherServiceUserId"/> and its reverse.</summary>
    public static (HouseholdLink Link, HouseholdLink Reverse) Between(string serviceUserId, string otherServiceUserId, HouseholdRelation relation, DateTimeOffset now)
    {
        if (serviceUserId == otherServiceUserId)
        {
            throw new DomainRuleException("SAME_SERVICE_USER", "A service user cannot be linked to itself.");
        }

        var reverse = relation switch
        {
            HouseholdRelation.Parent => HouseholdRelation.Child,
            HouseholdRelation.Child => HouseholdRelation.Parent,
            _ => relation,
        };
        return (new HouseholdLink(serviceUserId, otherServiceUserId, relation, now), new HouseholdLink(otherServiceUserId, serviceUserId, reverse, now));
    }
}
