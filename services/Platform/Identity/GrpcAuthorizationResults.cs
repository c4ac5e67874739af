using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using ReferralNet.Platform.Errors;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// Answers a call that could not be authorized because the member directory was unreachable with gRPC UNAVAILABLE
/// (reason MEMBERSHIP_UNAVAILABLE), which clients retry; every other outcome is ASP.NET Core's (401 becomes
/// UNAUTHENTICATED, 403 PERMISSION_DENIED). The audit's refusal recorder answers through it.
/// </summary>
public sealed class GrpcAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <inheritdoc />
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.AuthorizationFailure?.FailureReasons.OfType<MembershipUnavailable>().FirstOrDefault() is not { } unavailable)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        // A trailers-only gRPC response: the status travels in the headers of an empty HTTP 200 answer.
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.Unavailable,
            Message = unavailable.Message,
            Details = { Any.Pack(new ErrorInfo { Reason = "MEMBERSHIP_UNAVAILABLE", Domain = ErrorMapping.Domain }) },
        };
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        context.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        return Task.CompletedTask;
    }
}
