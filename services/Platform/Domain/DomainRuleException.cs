namespace ReferralNet.Platform.Domain;

/// <summary>
/// A domain object refused a change because it would break one of its rules
/// (an illegal state transition, a change to something that has ended).
/// Clients see FAILED_PRECONDITION with the message.
/// </summary>
public sealed class DomainRuleException(string message) : Exception(message);

/// <summary>The caller's etag names an older version than the stored one. Clients see ABORTED.</summary>
public sealed class StaleVersionException(string objectType)
    : Exception($"The {objectType} was changed by someone else; read it again and retry with the new etag.");

/// <summary>An object does not exist or is not visible to the caller; both look the same to clients (NOT_FOUND).</summary>
public sealed class NotFoundException(string objectType, string id)
    : Exception($"{objectType} '{id}' was not found.");

/// <summary>The caller may see the object but not do this to it. Clients see PERMISSION_DENIED.</summary>
public sealed class PermissionDeniedException(string message) : Exception(message);

/// <summary>The change would duplicate something that must be unique (an e-mail address). Clients see ALREADY_EXISTS.</summary>
public sealed class AlreadyExistsException(string message) : Exception(message);
