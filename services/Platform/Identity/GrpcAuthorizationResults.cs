using Google.Rpc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Platform.Errors;
using ReferralNet.Platform.Hosting;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// Answers a call that could not be authorized because the member directory was unreachable with gRPC UNAVAILABLE
/// (reason MEMBERSHIP_UNAVAILABLE), which clients retry; every other outcome is ASP.NET Core's (401 becomes
/// UNAUTHENTICATED, 403 PERMISSION_DENIED). A REST call gets the same outcome with a google.rpc.Status JSON body whose
/// ErrorInfo says why (<see cref="AuthenticationFailureAsync"/>, or FORBIDDEN). The audit's refusal recorder answers through it.
/// </summary>
public sealed class GrpcAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <inheritdoc />
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.AuthorizationFailure?.FailureReasons.OfType<MembershipUnavailable>().FirstOrDefault() is { } unavailable)
        {
            await ErrorMapping.WriteRefusalAsync(context, Code.Unavailable, "MEMBERSHIP_UNAVAILABLE", unavailable.Message);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && RestTranscoding.IsRest(context) && !context.Response.HasStarted)
        {
            await ErrorMapping.WriteRefusalAsync(context, authorizeResult.Forbidden ? Code.PermissionDenied : Code.Unauthenticated,
                authorizeResult.Forbidden ? "FORBIDDEN" : await AuthenticationFailureAsync(context),
                authorizeResult.Forbidden ? "The caller may not call this method." : "A valid bearer token is required.");
        }
    }

    /// <summary>
    /// Why the bearer token was not accepted (NO_TOKEN, TOKEN_EXPIRED, TOKEN_SIGNATURE_INVALID…). The bearer handler
    /// authenticates once per request and keeps its result, so asking again costs nothing.
    /// </summary>
    public static async Task<string> AuthenticationFailureAsync(HttpContext context) =>
        (await context.AuthenticateAsync()).Failure switch
        {
            null when context.Request.Headers.Authorization.Count == 0 => "NO_TOKEN",
            null => "TOKEN_NOT_ACCEPTED",
            SecurityTokenExpiredException => "TOKEN_EXPIRED",
            SecurityTokenNotYetValidException => "TOKEN_NOT_YET_VALID",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "TOKEN_SIGNATURE_INVALID",
            SecurityTokenInvalidIssuerException => "TOKEN_ISSUER_INVALID",
            SecurityTokenInvalidAudienceException => "TOKEN_AUDIENCE_INVALID",
            _ => "TOKEN_INVALID",
        };
}
