using System.Diagnostics;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Persistence;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Audit;

/// <summary>
/// The audited call running on this async flow: what its record says, and whether its change already committed together
/// with its record. The audit interceptor starts it; <see cref="ServiceDbContext"/> reads it when a change commits, so
/// the record of a change is written in the change's own transaction without each endpoint having to remember it.
/// </summary>
public sealed class AuditCall
{
    private static readonly AsyncLocal<AuditCall?> Ambient = new();
    private readonly AuditRule _rule;
    private readonly Actor _actor;
    private readonly string _method;
    private readonly TimeProvider _time;
    private readonly string? _traceId = Activity.Current?.TraceId.ToHexString();

    internal AuditCall(AuditRule rule, Actor actor, string method, AuditScope scope, KeyRing keys, TimeProvider time)
    {
        _rule = rule;
        _actor = actor;
        _method = method;
        _time = time;
        Scope = scope;
        Keys = keys;
    }

    /// <summary>The audited call of this async flow, or null outside one (background work, unaudited RPCs).</summary>
    public static AuditCall? Current => Ambient.Value;

    /// <summary>What the endpoint learned about the call's subject.</summary>
    public AuditScope Scope { get; }

    /// <summary>The keys that seal the trail.</summary>
    public KeyRing Keys { get; }

    /// <summary>True once the call's change committed together with its record.</summary>
    public bool ChangeRecorded { get; private set; }

    /// <summary>The record of this call with <paramref name="outcome"/>, as of now.</summary>
    public AuditEntry Entry(string outcome) => new(
        _time.GetUtcNow(),
        _actor.Id,
        _actor.OrganizationId,
        _actor.Role,
        _method,
        _rule.Audited!.Kind,
        _rule.Audited.SubjectType,
        Scope.SubjectId,
        Scope.ServiceUserId,
        _rule.Audited.Purpose,
        Scope.Basis ?? "role",
        outcome,
        _traceId);

    /// <summary>
    /// The call's record with <paramref name="outcome"/>; an answer that carried other people's data (a caseload, an
    /// inbox page, a stream message) leaves one record per person instead, so each person's access log lists the call.
    /// A refusal carried nobody's data.
    /// </summary>
    public IReadOnlyList<AuditEntry> Entries(string outcome)
    {
        var entry = Entry(outcome);
        var others = Scope.People.Where(p => p != entry.ServiceUserId).Order(StringComparer.Ordinal).ToList();
        if ((outcome != nameof(Grpc.Core.StatusCode.OK) && outcome != AuditInterceptor.Delivered) || others.Count == 0)
        {
            return [entry];
        }

        var perPerson = others.Select(p => entry with { ServiceUserId = p });
        return entry.ServiceUserId is null ? [.. perPerson] : [entry, .. perPerson];
    }

    /// <summary>True when a commit of <paramref name="db"/> must carry this call's record: a change call, not yet recorded, on its service's database.</summary>
    internal bool RecordsChangeIn(ServiceDbContext db) =>
        !ChangeRecorded && _rule.Audited?.Kind == AuditKind.Change && _rule.ContextType?.IsInstanceOfType(db) == true;

    internal void ChangeCommitted() => ChangeRecorded = true;

    /// <summary>Makes <paramref name="call"/> the audited call of the current async flow (and of everything it awaits).</summary>
    internal static void Enter(AuditCall call) => Ambient.Value = call;
}
