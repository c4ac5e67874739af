using System.Linq.Expressions;
using ReferralNet.Platform.Domain;

namespace ReferralNet.Cases.Domain;

/// <summary>What a consent lets its grantee do with the service user's data.</summary>
public enum ConsentPurpose
{
    /// <summary>Coordinate the service user's case.</summary>
    Coordination = 1,

    /// <summary>Refer the service user to other organizations and receive referrals.</summary>
    Referral = 2,

    /// <summary>Give care and see what that care needs.</summary>
    Care = 3,
}

/// <summary>How the service user gave a consent.</summary>
public enum ConsentMethod
{
    /// <summary>Said it, recorded by the professional.</summary>
    Verbal = 1,

    /// <summary>Signed a form.</summary>
    Written = 2,

    /// <summary>Confirmed it digitally (e.g. DigiD).</summary>
    Digital = 3,
}

/// <summary>Where a consent stands at a moment.</summary>
public enum ConsentStatus
{
    /// <summary>Valid now.</summary>
    Active = 1,

    /// <summary>Its validity has not started.</summary>
    Pending = 2,

    /// <summary>Its validity has ended.</summary>
    Expired = 3,

    /// <summary>Revoked.</summary>
    Revoked = 4,
}

/// <summary>On what ground a revocation is recorded; each of these may revoke (the grantee alone may not).</summary>
public enum RevocationGround
{
    /// <summary>The organization that recorded the consent, on the service user's word.</summary>
    RecordingOrganization = 1,

    /// <summary>The organization coordinating the service user's support, on the service user's word.</summary>
    Coordinator = 2,

    /// <summary>A privacy officer of an organization the consent concerns.</summary>
    PrivacyOfficer = 3,
}

/// <summary>A consent as given, before it is recorded.</summary>
/// <param name="OrganizationId">The one organization it is given to; or null with <paramref name="OrganizationKind"/>.</param>
/// <param name="OrganizationKind">Every organization of this kind; or null with <paramref name="OrganizationId"/>.</param>
/// <param name="Purpose">For what.</param>
/// <param name="LifeDomains">The life domains it covers.</param>
/// <param name="StartAt">Start of validity.</param>
/// <param name="EndAt">End of validity; null until revoked.</param>
/// <param name="Method">How it was given.</param>
/// <param name="ByRepresentative">Whether a legal representative gave it.</param>
/// <param name="EvidenceReference">Where the evidence is in the recording organization's files.</param>
public sealed record ConsentGrant(
    string? OrganizationId,
    OrganizationKind? OrganizationKind,
    ConsentPurpose Purpose,
    IReadOnlyCollection<LifeDomain> LifeDomains,
    DateTimeOffset StartAt,
    DateTimeOffset? EndAt,
    ConsentMethod Method,
    bool ByRepresentative,
    string EvidenceReference);

/// <summary>
/// A consent a service user gave to one organization or to every organization of a kind, for one purpose and some life
/// domains, for a period. It is the only ground on which an organization sees a service user's data, and it is checked
/// in every query, so a revocation or an expiry holds from the next call. Never changed after it is recorded: revoked
/// and granted anew.
/// </summary>
public sealed class Consent : VersionedEntity
{
    // Who a consent grants access to, once for queries and memory: given to the organization or to its kind, started,
    // not ended, not revoked.
    private static readonly Expression<Func<Consent, string, OrganizationKind?, DateTimeOffset, bool>> GrantRule = (c, organizationId, kind, now) =>
        (c.OrganizationId == organizationId || (kind != null && c.OrganizationKind == kind))
        && c.StartAt <= now && (c.EndAt == null || c.EndAt > now) && c.RevokedAt == null;

    private static readonly Func<Consent, string, OrganizationKind?, DateTimeOffset, bool> GrantTest = GrantRule.Compile();

    private Consent()
    {
    }

    /// <summary>Records <paramref name="grant"/> of <paramref name="serviceUserId"/>, by a member of an organization.</summary>
    public Consent(string serviceUserId, ConsentGrant grant, string recordedByMemberId, string recordedByOrganizationId, DateTimeOffset now)
        : base(now)
    {
        if ((grant.OrganizationId is null) == (grant.OrganizationKind is null))
        {
            throw new DomainRuleException("CONSENT_GRANTEE_REQUIRED", "A consent is given to one organization or to every organization of one kind.");
        }

        if (grant.LifeDomains.Count == 0)
        {
            throw new DomainRuleException("CONSENT_DOMAINS_REQUIRED", "A consent covers at least one life domain.");
        }

        if (grant.EndAt is { } end && (end <= grant.StartAt || end <= now))
        {
            throw new DomainRuleException("CONSENT_ALREADY_ENDED", "A consent must end after it starts and after now.");
        }

        ServiceUserId = serviceUserId;
        OrganizationId = grant.OrganizationId;
        OrganizationKind = grant.OrganizationKind;
        Purpose = grant.Purpose;
        DomainMask = MaskOf(grant.LifeDomains);
        StartAt = grant.StartAt;
        EndAt = grant.EndAt;
        Method = grant.Method;
        ByRepresentative = grant.ByRepresentative;
        EvidenceReference = grant.EvidenceReference;
        RecordedByMemberId = recordedByMemberId;
        RecordedByOrganizationId = recordedByOrganizationId;
    }

    /// <summary>The service user who gave it.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>The one organization it is given to, if it is.</summary>
    public string? OrganizationId { get; private init; }

    /// <summary>The kind of organization it is given to, if it is.</summary>
    public OrganizationKind? OrganizationKind { get; private init; }

    /// <summary>For what.</summary>
    public ConsentPurpose Purpose { get; private init; }

    /// <summary>The life domains it covers, one bit per domain (bit n for domain n), so a query tests coverage in SQL.</summary>
    public int DomainMask { get; private init; }

    /// <summary>Start of validity.</summary>
    public DateTimeOffset StartAt { get; private init; }

    /// <summary>End of validity; null until revoked.</summary>
    public DateTimeOffset? EndAt { get; private init; }

    /// <summary>How it was given.</summary>
    public ConsentMethod Method { get; private init; }

    /// <summary>Whether a legal representative gave it.</summary>
    public bool ByRepresentative { get; private init; }

    /// <summary>Where the evidence is in the recording organization's files.</summary>
    public string EvidenceReference { get; private init; } = "";

    /// <summary>The member who recorded it.</summary>
    public string RecordedByMemberId { get; private init; } = "";

    /// <summary>The organization on whose behalf it was recorded.</summary>
    public string RecordedByOrganizationId { get; private init; } = "";

    /// <summary>When it was revoked.</summary>
    public DateTimeOffset? RevokedAt { get; private set; }

    /// <summary>Why, in the service user's words.</summary>
    public string RevokeReason { get; private set; } = "";

    /// <summary>The member who recorded the revocation.</summary>
    public string? RevokedByMemberId { get; private set; }

    /// <summary>On what ground the revocation was recorded.</summary>
    public RevocationGround? RevocationGround { get; private set; }

    /// <summary>The life domains it covers.</summary>
    public IReadOnlyList<LifeDomain> LifeDomains => DomainsOf(DomainMask);

    /// <summary>Where it stands at <paramref name="now"/>.</summary>
    public ConsentStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? ConsentStatus.Revoked
        : StartAt > now ? ConsentStatus.Pending
        : EndAt <= now ? ConsentStatus.Expired
        : ConsentStatus.Active;

    /// <summary>Revokes it from <paramref name="now"/>, recorded by a member on <paramref name="ground"/>.</summary>
    public void Revoke(string memberId, RevocationGround ground, string reason, DateTimeOffset now)
    {
        if (RevokedAt is not null)
        {
            throw new DomainRuleException("CONSENT_ALREADY_REVOKED", "The consent was revoked already.");
        }

        if (EndAt <= now)
        {
            throw new DomainRuleException("CONSENT_ENDED", "The consent has ended already; there is nothing to revoke.");
        }

        RevokedAt = now;
        RevokedByMemberId = memberId;
        RevocationGround = ground;
        RevokeReason = reason;
        Touch(now);
    }

    /// <summary>Moves the consent to the record a duplicate was merged into.</summary>
    public void MoveTo(string serviceUserId, DateTimeOffset now)
    {
        ServiceUserId = serviceUserId;
        Touch(now);
    }

    /// <summary>
    /// The consents that let an organization (<paramref name="organizationId"/>, of <paramref name="kind"/>) see a service
    /// user at <paramref name="now"/>, as a query's filter (see <see cref="GrantRule"/>).
    /// </summary>
    public static Expression<Func<Consent, bool>> GrantsAt(string organizationId, OrganizationKind? kind, DateTimeOffset now)
    {
        // The rule's parameters become members of a captured object, as a closure's variables are, so a query sends
        // them as parameters and its translation is reused.
        var asked = Expression.Constant(new GrantQuestion(organizationId, kind, now));
        var body = new Substitution(new Dictionary<ParameterExpression, Expression>
        {
            [GrantRule.Parameters[1]] = Expression.Property(asked, nameof(GrantQuestion.OrganizationId)),
            [GrantRule.Parameters[2]] = Expression.Property(asked, nameof(GrantQuestion.Kind)),
            [GrantRule.Parameters[3]] = Expression.Property(asked, nameof(GrantQuestion.Now)),
        }).Visit(GrantRule.Body);
        return Expression.Lambda<Func<Consent, bool>>(body, GrantRule.Parameters[0]);
    }

    /// <summary>Whether it lets an organization (<paramref name="organizationId"/>, of <paramref name="kind"/>) see the service user at <paramref name="now"/>.</summary>
    public bool Grants(string organizationId, OrganizationKind? kind, DateTimeOffset now) => GrantTest(this, organizationId, kind, now);

    /// <summary>
    /// Whether <paramref name="consent"/> lets the organization see its service user at <paramref name="now"/>: the rule
    /// <see cref="WithGrantRule{TQuery}"/> writes into a query in place of this call, where the values are the query's own
    /// parameters (a compiled query's, which cannot capture them as <see cref="GrantsAt"/> does).
    /// </summary>
    public static bool Granting(Consent consent, string organizationId, OrganizationKind? kind, DateTimeOffset now) => GrantTest(consent, organizationId, kind, now);

    /// <summary><paramref name="query"/> with every call of <see cref="Granting"/> replaced by the grant rule itself.</summary>
    public static Expression<TQuery> WithGrantRule<TQuery>(Expression<TQuery> query) => (Expression<TQuery>)new GrantRuleInliner().Visit(query);

    private sealed class GrantRuleInliner : ExpressionVisitor
    {
        private static readonly System.Reflection.MethodInfo GrantingMethod = typeof(Consent).GetMethod(nameof(Granting))!;

        protected override Expression VisitMethodCall(MethodCallExpression node) =>
            node.Method == GrantingMethod
                ? new Substitution(GrantRule.Parameters.Zip(node.Arguments, (parameter, argument) => (parameter, Visit(argument)))
                    .ToDictionary(pair => pair.parameter, pair => pair.Item2)).Visit(GrantRule.Body)
                : base.VisitMethodCall(node);
    }

    private sealed class Substitution(Dictionary<ParameterExpression, Expression> values) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => values.GetValueOrDefault(node, node);
    }

    /// <summary>The bit mask of <paramref name="domains"/>.</summary>
    public static int MaskOf(IEnumerable<LifeDomain> domains) => domains.Aggregate(0, (mask, domain) => mask | (1 << (int)domain));

    /// <summary>The domains in <paramref name="mask"/>, in their order.</summary>
    public static IReadOnlyList<LifeDomain> DomainsOf(int mask) =>
        [.. Enum.GetValues<LifeDomain>().Where(domain => (mask & (1 << (int)domain)) != 0)];
}

/// <summary>The values a consent query asks about (see <see cref="Consent.GrantsAt(string, OrganizationKind?, DateTimeOffset)"/>).</summary>
/// <param name="OrganizationId">The organization asking.</param>
/// <param name="Kind">Its kind, when known.</param>
/// <param name="Now">The moment asked about.</param>
internal sealed record GrantQuestion(string OrganizationId, OrganizationKind? Kind, DateTimeOffset Now);
