using Google.Rpc;

namespace ReferralNet.Platform.Validation;

/// <summary>The request is malformed in the named fields. Clients see INVALID_ARGUMENT with BadRequest field violations.</summary>
public sealed class InvalidRequestException(IEnumerable<BadRequest.Types.FieldViolation> violations, string reason = "INVALID_FIELDS")
    : Exception("The request is invalid.")
{
    /// <summary>What is wrong, per field path (e.g. "service.eligibility.max_age").</summary>
    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations { get; } = violations.ToList();

    /// <summary>The machine-readable reason sent as google.rpc.ErrorInfo.</summary>
    public string Reason { get; } = reason;

    /// <summary>A request invalid in one field.</summary>
    public static InvalidRequestException For(string field, string description, string reason = "INVALID_FIELDS") =>
        new([new BadRequest.Types.FieldViolation { Field = field, Description = description }], reason);
}
