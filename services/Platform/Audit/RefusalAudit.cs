using System.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Platform.Identity;
using ReferralNet.Platform.Domain;

namespace ReferralNet.Platform.Audit;

/// <summary>
/// Records every call refused at the door (no token, an expired or forged one, a member who is no longer active, a role
/// the directory no longer confirms) in the trail of the service whose method was called, with the identity the token
/// claimed, the method, the outcome and why, and logs a warning. Refusals are recorded within a budget per minute, so a
/// flood of bad tokens cannot flood the trail or the log: what exceeds it is counted and summarized in one record and one
/// log line with the next refusal recorded.
/// </summary>
public sealed class RefusalAudit(
    AuditRegistry registry,
    RefusalBudget budget,
    GrpcAuthorizationResults answer,
    IOptions<AuthOptions> auth,
    TimeProvider time,
    ILogger<RefusalAudit> logger) : IAuthorizationMiddlewareResultHandler
{
    private const string Purpose = "access-control";

    /// <inheritdoc />
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // A directory that could not be asked refused nobody: the caller gets UNAVAILABLE and retries.
        var refused = authorizeResult.Challenged
            || (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailureReasons.OfType<MembershipUnavailable>().Any() != true);
        if (refused)
        {
            await RecordAsync(context, authorizeResult);
        }

        await answer.HandleAsync(next, context, policy, authorizeResult);
    }

    private async Task RecordAsync(HttpContext context, PolicyAuthorizationResult result)
    {
        if (!budget.TryTake(out var suppressed))
        {
            return;
        }

        // The gRPC method path, also for a REST call, so the record goes to the called service's trail either way.
        var method = Hosting.RestTranscoding.MethodOf(context).Capped(200);
        var (member, organization, role) = ClaimedIdentity(context);
        var outcome = result.Forbidden ? nameof(Grpc.Core.StatusCode.PermissionDenied) : nameof(Grpc.Core.StatusCode.Unauthenticated);
        var reason = result.Forbidden
            ? "FORBIDDEN: " + (result.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message ?? "the policy refused the caller")
            : await GrpcAuthorizationResults.AuthenticationFailureAsync(context);
        if (suppressed > 0)
        {
            logger.LogWarning("{Count} more calls were refused at the door in the last minute without a record of their own", suppressed);
        }

        logger.LogWarning("Refused {Method} at the door ({Reason}) for the claimed member {MemberId} of organization {OrganizationId}", method, reason, member, organization);
        if (registry.For(method) is not { TrailType: { } trailType } rule)
        {
            return;
        }

        var trail = (IAuditTrail)context.RequestServices.GetRequiredService(trailType);
        var now = time.GetUtcNow();
        var traceId = Activity.Current?.TraceId.ToHexString();
        var entries = new List<AuditEntry>();
        if (suppressed > 0)
        {
            entries.Add(new AuditEntry(now, "anonymous", "", "", "*", AuditKind.Read, "call", null, null, Purpose,
                $"SUPPRESSED: {suppressed} refusals over the budget", outcome, null));
        }

        entries.Add(new AuditEntry(now, member, organization, role, method, rule.Audited?.Kind ?? AuditKind.Read, rule.Audited?.SubjectType ?? "call",
            null, null, Purpose, reason.Capped(128), outcome, traceId));
        try
        {
            await Task.WhenAll(entries.Select(trail.AppendAsync));
        }
        catch (AuditUnavailableException)
        {
            // The call is refused either way; the trail's writer has logged why its record is missing.
        }
    }

    // The identity the caller claims: from the validated token when authorization refused it, else read (unverified)
    // from the bearer token, bounded, so the record shows who tried without trusting it.
    private (string Member, string Organization, string Role) ClaimedIdentity(HttpContext context)
    {
        if (Actor.Of(context.User, auth.Value) is { Id: not "anonymous" } actor)
        {
            return (actor.Id, actor.OrganizationId, actor.Role);
        }

        var header = context.Request.Headers.Authorization.ToString();
        var handler = new JsonWebTokenHandler();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !handler.CanReadToken(header[7..].Trim()))
        {
            return ("anonymous", "", "");
        }

        try
        {
            var token = handler.ReadJsonWebToken(header[7..].Trim());
            return (Claim(token, Caller.Claims.Member, 64) is { Length: > 0 } member ? member : "anonymous",
                Claim(token, Caller.Claims.Organization, 64), Claim(token, Caller.Claims.Role, 32));
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return ("anonymous", "", "");
        }
    }

    private static string Claim(JsonWebToken token, string name, int length) =>
        token.TryGetPayloadValue<string>(name, out var value) && value is not null ? value.Capped(length) : "";
}

/// <summary>
/// How many door refusals a process records per minute (<see cref="AuditOptions.RefusalsPerMinute"/>); the rest are
/// counted so that one summary record says how many went unrecorded.
/// </summary>
public sealed class RefusalBudget(TimeProvider time, IOptions<AuditOptions> options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _taken;
    private long _suppressed;

    /// <summary>
    /// True when this refusal may be recorded. <paramref name="suppressedBefore"/> is how many refusals of earlier minutes
    /// went unrecorded and have not been summarized yet.
    /// </summary>
    public bool TryTake(out long suppressedBefore)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (now - _windowStart >= Window)
            {
                _windowStart = now;
                _taken = 0;
            }

            if (_taken >= options.Value.RefusalsPerMinute)
            {
                _suppressed++;
                suppressedBefore = 0;
                return false;
            }

            _taken++;
            suppressedBefore = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
