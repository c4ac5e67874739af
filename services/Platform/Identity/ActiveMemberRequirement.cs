using Microsoft.AspNetCore.Authorization;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// The default policy of every RPC: the token's member exists, is active, and still belongs to the
/// token's organization with the token's role. A member whose end date passed is refused with a valid token.
/// </summary>
public sealed class ActiveMemberRequirement : IAuthorizationRequirement;

/// <summary>Checks <see cref="ActiveMemberRequirement"/> against the directory on every call.</summary>
public sealed class ActiveMemberHandler(IMemberDirectory directory) : AuthorizationHandler<ActiveMemberRequirement>
{
    /// <inheritdoc />
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveMemberRequirement requirement)
    {
        var caller = Caller.From(context.User);
        if (caller is null)
        {
            context.Fail(new AuthorizationFailureReason(this, "The token lacks member, organization or role."));
            return;
        }

        var aborted = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        var standing = await directory.FindAsync(caller.MemberId, aborted);
        if (standing is { IsActive: true } && standing.OrganizationId == caller.OrganizationId && standing.Role == caller.Role)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "The member is not active in this organization with this role."));
        }
    }
}
