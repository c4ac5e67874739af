namespace ReferralNet.Platform.Audit;

/// <summary>
/// Declares that an RPC is audited: every call writes a record before it answers, success or failure.
/// Every RPC of a ReferralNet service carries this or <see cref="NotAuditedAttribute"/>; start-up fails otherwise.
/// </summary>
/// <param name="kind">Read or change.</param>
/// <param name="subjectType">The kind of object the RPC touches.</param>
/// <param name="purpose">Why the data is processed, recorded with each call.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AuditedAttribute(AuditKind kind, string subjectType, string purpose) : Attribute
{
    /// <summary>Read or change.</summary>
    public AuditKind Kind { get; } = kind;

    /// <summary>The kind of object the RPC touches.</summary>
    public string SubjectType { get; } = subjectType;

    /// <summary>Why the data is processed.</summary>
    public string Purpose { get; } = purpose;
}

/// <summary>Declares, with the reason, that an RPC touches no personal data and needs no audit record.</summary>
/// <param name="reason">Why no record is needed.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NotAuditedAttribute(string reason) : Attribute
{
    /// <summary>Why no record is needed.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Per call: what the endpoint learned about the subject of an audited call (filled in as it loads the object),
/// so the record names the object and, for personal data, the service user.
/// </summary>
public sealed class AuditScope
{
    /// <summary>The object touched.</summary>
    public string? SubjectId { get; private set; }

    /// <summary>The service user whose data it is.</summary>
    public string? ServiceUserId { get; private set; }

    /// <summary>Names the object the call touches.</summary>
    public void Subject(string subjectId, string? serviceUserId = null)
    {
        SubjectId = subjectId;
        ServiceUserId = serviceUserId;
    }

    /// <summary>
    /// The service users whose data the call returns besides its subject (a caseload, an inbox page, a stream message):
    /// each gets a record of their own in the access log (<see cref="AuditCall.Entries"/>).
    /// </summary>
    public IReadOnlyCollection<string> People => _people;

    private readonly HashSet<string> _people = new(StringComparer.Ordinal);

    /// <summary>Names the service users whose data the answer (or the stream's next message) carries.</summary>
    public void Read(IEnumerable<string> serviceUserIds) => _people.UnionWith(serviceUserIds.Where(id => id.Length > 0));

    /// <summary>Forgets the people named so far: a stream's message was recorded with them.</summary>
    internal void ForgetPeople() => _people.Clear();

    /// <summary>On what ground the call may touch the data ("consent:&lt;id&gt;", "break-the-glass:&lt;id&gt;"); the caller's role when not set.</summary>
    public string? Basis { get; private set; }

    /// <summary>Records the ground of the access, e.g. the consent that allowed it.</summary>
    public void Grounds(string basis) => Basis = basis;

    /// <summary>
    /// True while the stream's next message carries no personal data (a heartbeat, a caught-up marker): it goes out
    /// without a delivery record, so that an idle stream does not fill the trail. Reset by that message.
    /// </summary>
    public bool NextMessageImpersonal { get; private set; }

    /// <summary>Marks the stream's next message as carrying no personal data.</summary>
    public void NextMessageCarriesNoPersonalData() => NextMessageImpersonal = true;

    internal bool TakeImpersonal()
    {
        var impersonal = NextMessageImpersonal;
        NextMessageImpersonal = false;
        return impersonal;
    }
}
