using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Platform.Errors;

/// <summary>
/// The one place exceptions become gRPC statuses. Anything a client can cause maps to a specific code;
/// only real bugs become INTERNAL, and their message carries nothing but the trace id.
/// </summary>
public static class ErrorMapping
{
    /// <summary>The status (with rich details where there are some) for <paramref name="exception"/>.</summary>
    public static RpcException ToStatus(Exception exception) => exception switch
    {
        RpcException rpc => rpc,
        InvalidRequestException invalid => BadRequest(invalid.Violations),
        NotFoundException => Simple(Code.NotFound, exception.Message),
        PermissionDeniedException => Simple(Code.PermissionDenied, exception.Message),
        DomainRuleException => Simple(Code.FailedPrecondition, exception.Message),
        StaleVersionException => Simple(Code.Aborted, exception.Message),
        AlreadyExistsException => Simple(Code.AlreadyExists, exception.Message),
        DbUpdateConcurrencyException => Simple(Code.Aborted, "The object was changed by someone else at the same time; read it again and retry."),
        DbUpdateException update when IsUniqueViolation(update) =>
            Simple(Code.AlreadyExists, "Something with the same unique value was created at the same time; read it and retry if needed."),
        AuditUnavailableException => Simple(Code.Unavailable, exception.Message),
        OperationCanceledException => Simple(Code.Cancelled, "The call was cancelled."),
        _ => Simple(Code.Internal, $"Internal error; trace id {Activity.Current?.TraceId.ToHexString() ?? "none"}."),
    };

    /// <summary>True when <paramref name="exception"/> is a unique-key violation on any supported provider.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqlException sqlServer => sqlServer.Number is 2601 or 2627,
        _ => false,
    };

    private static RpcException BadRequest(IEnumerable<BadRequest.Types.FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations);
        var summary = string.Join("; ", badRequest.FieldViolations.Select(v => $"{v.Field}: {v.Description}"));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"Invalid request: {summary}",
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    private static RpcException Simple(Code code, string message) =>
        new Google.Rpc.Status { Code = (int)code, Message = message }.ToRpcException();
}
