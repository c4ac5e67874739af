using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Platform.Errors;

/// <summary>
/// The one place exceptions become gRPC statuses. Anything a client can cause maps to a specific code with a
/// google.rpc.ErrorInfo reason clients can branch on; only real bugs become INTERNAL, and their message carries
/// nothing but the trace id. Details are bounded: a request with thousands of bad fields gets a status that fits in
/// the trailers Kestrel delivers, and a log line of bounded length.
/// </summary>
public static class ErrorMapping
{
    /// <summary>The ErrorInfo domain of every ReferralNet reason.</summary>
    public const string Domain = "referralnet";

    /// <summary>At most this many field violations are reported; the message says how many were left out.</summary>
    public const int MaxViolations = 20;

    /// <summary>The longest field path or description echoed back (they may quote client input).</summary>
    public const int MaxEchoedLength = 200;

    /// <summary>
    /// Answers a call before grpc-dotnet runs it, with a trailers-only gRPC status (the status in the headers of an empty
    /// HTTP 200) carrying an ErrorInfo <paramref name="reason"/>; the connection and its other calls go on.
    /// </summary>
    public static void WriteTrailersOnly(Microsoft.AspNetCore.Http.HttpResponse response, Code code, string reason, string message)
    {
        var status = Reasoned(code, reason, message);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(status));
    }

    /// <summary>
    /// Answers a call refused before its RPC runs: a gRPC call with a trailers-only status (<see cref="WriteTrailersOnly"/>),
    /// a REST call with the same status as google.rpc.Status JSON.
    /// </summary>
    public static Task WriteRefusalAsync(Microsoft.AspNetCore.Http.HttpContext context, Code code, string reason, string message)
    {
        if (Hosting.RestTranscoding.IsRest(context))
        {
            return Hosting.RestTranscoding.WriteStatusAsync(context.Response, Reasoned(code, reason, message));
        }

        WriteTrailersOnly(context.Response, code, reason, message);
        return Task.CompletedTask;
    }

    /// <summary>The status (with rich details where there are some) for <paramref name="exception"/>.</summary>
    public static RpcException ToStatus(Exception exception) => exception switch
    {
        RpcException rpc => rpc,
        InvalidRequestException invalid => BadRequest(invalid.Violations, invalid.Reason),
        NotFoundException e => Reasoned(Code.NotFound, e),
        PermissionDeniedException e => Reasoned(Code.PermissionDenied, e),
        DomainRuleException e => Reasoned(Code.FailedPrecondition, e),
        StaleVersionException e => Reasoned(Code.Aborted, e),
        AlreadyExistsException e => Reasoned(Code.AlreadyExists, e),
        DbUpdateConcurrencyException => Status(Code.Aborted, "ETAG_MISMATCH", "The object was changed by someone else at the same time; read it again and retry."),
        DbUpdateException update when IsUniqueViolation(update) =>
            Status(Code.AlreadyExists, "CONCURRENT_DUPLICATE", "Something with the same unique value was created at the same time; read it and retry if needed."),
        AuditUnavailableException => Status(Code.Unavailable, "AUDIT_UNAVAILABLE", exception.Message),
        PeerUnavailableException => Status(Code.Unavailable, "PEER_UNAVAILABLE", exception.Message),
        Persistence.WriteBatchFailedException => Status(Code.Unavailable, "DATABASE_UNAVAILABLE", "The write could not be committed and nothing of it was stored; retry with back-off."),
        OperationCanceledException => Status(Code.Cancelled, "CANCELLED", "The call was cancelled."),
        _ when IsTransient(exception) => Status(Code.Unavailable, "DATABASE_UNAVAILABLE", "The database is briefly unavailable; retry with back-off."),
        _ => Status(Code.Internal, "INTERNAL", $"Internal error; trace id {Activity.Current?.TraceId.ToHexString() ?? "none"}."),
    };

    /// <summary>True when <paramref name="exception"/> is a unique-key violation on any supported provider.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqlException sqlServer => sqlServer.Number is 2601 or 2627,
        _ => false,
    };

    /// <summary>
    /// True for a fault that a retry may cure: a database that is down, restarting, failing over, locked or out of
    /// connections. Clients see UNAVAILABLE, which gRPC clients retry; the server logs it as a warning.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case RetryLimitExceededException:
                case TimeoutException:
                case NpgsqlException { IsTransient: true }:
                case SqlException { IsTransient: true }:
                case SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 or 14 }: // BUSY, LOCKED, IOERR, FULL, CANTOPEN
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }

        return false;
    }

    private static RpcException BadRequest(IReadOnlyList<BadRequest.Types.FieldViolation> violations, string reason)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Take(MaxViolations).Select(v => new BadRequest.Types.FieldViolation
        {
            Field = Bounded(v.Field),
            Description = Bounded(v.Description),
        }));
        var summary = string.Join("; ", badRequest.FieldViolations.Take(3).Select(v => $"{v.Field}: {v.Description}"));
        var more = violations.Count - Math.Min(3, violations.Count);
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = more > 0 ? $"Invalid request: {summary}; and {more} more" : $"Invalid request: {summary}",
            Details = { Any.Pack(Info(reason)), Any.Pack(badRequest) },
        }.ToRpcException();
    }

    private static RpcException Reasoned(Code code, ReasonedException exception) => Status(code, exception.Reason, exception.Message);

    private static RpcException Status(Code code, string reason, string message) => Reasoned(code, reason, Bounded(message)).ToRpcException();

    private static Google.Rpc.Status Reasoned(Code code, string reason, string message) =>
        new() { Code = (int)code, Message = message, Details = { Any.Pack(Info(reason)) } };

    private static ErrorInfo Info(string reason) => new() { Reason = reason, Domain = Domain };

    private static string Bounded(string text) => text.Capped(MaxEchoedLength, "…");
}
