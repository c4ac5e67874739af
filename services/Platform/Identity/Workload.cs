using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// A service calling another service (e.g. the referrals service asking the cases service about consent), identified by a
/// workload token: a token for <see cref="AuthOptions.WorkloadAudience"/> whose <c>azp</c> claim names the workload.
/// </summary>
/// <param name="Name">The workload's name, as the audit trail records it.</param>
public sealed record Workload(string Name)
{
    /// <summary>The policy of internal RPCs: <c>[Authorize(Policy = Workload.Policy)]</c>.</summary>
    public const string Policy = "workload";

    /// <summary>The policy of RPCs that members and the other services both call: <c>[Authorize(Policy = Workload.MemberOrWorkloadPolicy)]</c>.</summary>
    public const string MemberOrWorkloadPolicy = "member-or-workload";

    /// <summary>
    /// The claim naming the workload: OAuth's authorized party, which client-credentials tokens of common authorities
    /// (Entra ID v2, Keycloak, Auth0) set to the client id.
    /// </summary>
    public const string NameClaim = "azp";

    /// <summary>The workload behind <paramref name="principal"/>, or null when it is no workload token.</summary>
    public static Workload? From(ClaimsPrincipal principal, AuthOptions options) =>
        TokenAudience.IsOnly(principal, options.WorkloadAudience, options.Audience)
        && principal.FindFirst(NameClaim)?.Value is { Length: > 0 } name
            ? new Workload(name)
            : null;
}

/// <summary>Tells member tokens from workload tokens by their audience; a token naming both is neither.</summary>
public static class TokenAudience
{
    /// <summary>The JWT audience claim.</summary>
    public const string Claim = "aud";

    /// <summary>True when <paramref name="principal"/>'s token is for <paramref name="audience"/> and not for <paramref name="other"/>.</summary>
    public static bool IsOnly(ClaimsPrincipal principal, string audience, string other)
    {
        // Every call passes here: a loop over the claims, without allocating.
        var found = false;
        foreach (var claim in principal.Claims)
        {
            if (claim.Type != Claim)
            {
                continue;
            }

            if (claim.Value == other)
            {
                return false;
            }

            found |= claim.Value == audience;
        }

        return found;
    }
}

/// <summary>Internal RPCs: the caller is a workload this deployment trusts (<see cref="AuthOptions.Workloads"/>), never a member.</summary>
public sealed class WorkloadRequirement : IAuthorizationRequirement;

/// <summary>Checks <see cref="WorkloadRequirement"/> on the token alone: a workload has no membership to look up.</summary>
public sealed class WorkloadHandler(IOptions<AuthOptions> options) : AuthorizationHandler<WorkloadRequirement>
{
    /// <summary>True when <paramref name="workload"/> is one of the configured workloads.</summary>
    public static bool IsAllowed(Workload workload, AuthOptions options) => options.Workloads.Contains(workload.Name, StringComparer.Ordinal);

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WorkloadRequirement requirement)
    {
        var workload = Workload.From(context.User, options.Value);
        if (workload is not null && IsAllowed(workload, options.Value))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, workload is null
                ? "Only a workload token may call this internal RPC."
                : "This workload is not among ReferralNet:Auth:Workloads."));
        }

        return Task.CompletedTask;
    }
}

/// <summary>Met by an allowed workload's token or by an active member's token.</summary>
public sealed class MemberOrWorkloadRequirement : IAuthorizationRequirement;

/// <summary>Checks a workload token like <see cref="WorkloadHandler"/> and any other token like <see cref="ActiveMemberHandler"/>.</summary>
public sealed class MemberOrWorkloadHandler(ActiveMemberHandler members, IOptions<AuthOptions> options) : AuthorizationHandler<MemberOrWorkloadRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MemberOrWorkloadRequirement requirement)
    {
        if (Workload.From(context.User, options.Value) is not { } workload)
        {
            return members.ConfirmAsync(context, requirement);
        }

        if (WorkloadHandler.IsAllowed(workload, options.Value))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "This workload is not among ReferralNet:Auth:Workloads."));
        }

        return Task.CompletedTask;
    }
}
