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

        ErrorMapping.WriteTrailersOnly(context.Response, Code.Unavailable, "MEMBERSHIP_UNAVAILABLE", unavailable.Message);
        return Task.CompletedTask;
    }
}
