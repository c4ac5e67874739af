namespace ReferralNet.Platform.Domain;

/// <summary>
/// A refusal a client may branch on: a stable, machine-readable reason (UPPER_SNAKE_CASE, sent as the
/// google.rpc.ErrorInfo reason) next to the human message.
/// </summary>
public abstract class ReasonedException(string reason, string message) : Exception(message)
{
    /// <summary>The machine-readable reason, e.g. ETAG_MISMATCH or SERVICE_ENDED.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// A domain object refused a change because it would break one of its rules
/// (an illegal state transition, a change to something that has ended).
/// Clients see FAILED_PRECONDITION with the message and the rule's reason.
/// </summary>
public sealed class DomainRuleException(string reason, string message) : ReasonedException(reason, message);

/// <summary>The caller's etag names an older version than the stored one. Clients see ABORTED (reason ETAG_MISMATCH).</summary>
public sealed class StaleVersionException(string objectType)
    : ReasonedException("ETAG_MISMATCH", $"The {objectType} was changed by someone else; read it again and retry with the new etag.");

/// <summary>An object does not exist or is not visible to the caller; both look the same to clients (NOT_FOUND).</summary>
public sealed class NotFoundException(string objectType, string id)
    : ReasonedException("NOT_FOUND", $"{objectType} '{Bounded(id)}' was not found.")
{
    // The id is the client's own input: echo enough to recognise it, never an unbounded string.
    private static string Bounded(string id) => id.Capped(64, "…");
}

/// <summary>The caller may see the object but not do this to it. Clients see PERMISSION_DENIED.</summary>
public sealed class PermissionDeniedException(string message, string reason = "PERMISSION_DENIED") : ReasonedException(reason, message);

/// <summary>The change would duplicate something that must be unique (an e-mail address). Clients see ALREADY_EXISTS.</summary>
public sealed class AlreadyExistsException(string reason, string message) : ReasonedException(reason, message);
