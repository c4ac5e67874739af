using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// The default policy of every RPC: a member token (not a workload token) whose member exists, is active, and still
/// belongs to the token's organization with the token's role. A member whose end date passed is refused with a valid token.
/// </summary>
public sealed class ActiveMemberRequirement : IAuthorizationRequirement;

/// <summary>Checks <see cref="ActiveMemberRequirement"/> against this process's <see cref="MembershipCache"/> on every call.</summary>
public sealed class ActiveMemberHandler(MembershipCache memberships, IOptions<AuthOptions> options) : AuthorizationHandler<ActiveMemberRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveMemberRequirement requirement) =>
        ConfirmAsync(context, requirement);

    /// <summary>Meets <paramref name="requirement"/> when the token's member is active in its organization and role.</summary>
    public async Task ConfirmAsync(AuthorizationHandlerContext context, IAuthorizationRequirement requirement)
    {
        var settings = options.Value;
        if (!TokenAudience.IsOnly(context.User, settings.Audience, settings.WorkloadAudience) || Caller.From(context.User) is not { } caller)
        {
            context.Fail(new AuthorizationFailureReason(this, "A member token (member, organization and role) is required."));
            return;
        }

        var aborted = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        try
        {
            if (await memberships.ConfirmedAsync(caller, aborted) is { } standing)
            {
                // The endpoint's Caller reads what the directory confirmed (profession, organization kind), not the token.
                if (context.Resource is HttpContext http)
                {
                    http.Items[typeof(MemberStanding)] = standing;
                }

                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, "The member is not active in this organization with this role."));
            }
        }
        catch (MembershipUnavailableException ex)
        {
            context.Fail(new MembershipUnavailable(this, ex.Message));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The caller left while the directory was being asked; the shared read goes on for the next call.
            context.Fail(new AuthorizationFailureReason(this, "The call was cancelled."));
        }
    }
}

/// <summary>The membership could not be checked: the call is answered UNAVAILABLE (retry), not PERMISSION_DENIED.</summary>
public sealed class MembershipUnavailable(IAuthorizationHandler handler, string message) : AuthorizationFailureReason(handler, message);
