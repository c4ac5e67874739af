using System.Security.Claims;
using Grpc.Core;
using ReferralNet.Platform.Domain;

namespace ReferralNet.Platform.Identity;

/// <summary>
/// The authenticated member behind a call, on behalf of one organization.
/// Only ever built from a validated token whose member the directory confirmed active.
/// </summary>
public sealed record Caller(string MemberId, string OrganizationId, MemberRole Role)
{
    /// <summary>The member's profession code as the directory holds it; empty for non-professionals.</summary>
    public string Profession { get; init; } = "";

    /// <summary>The kind of the caller's organization as the directory holds it; null when not known.</summary>
    public OrganizationKind? OrganizationKind { get; init; }

    /// <summary>Claim names in ReferralNet tokens.</summary>
    public static class Claims
    {
        /// <summary>The member id.</summary>
        public const string Member = "sub";

        /// <summary>The organization the member acts for.</summary>
        public const string Organization = "org";

        /// <summary>The member's role (see <see cref="RoleNames"/>).</summary>
        public const string Role = "role";
    }

    /// <summary>Reads the caller from a principal; null when a claim is missing or malformed.</summary>
    public static Caller? From(ClaimsPrincipal principal)
    {
        var member = principal.FindFirst(Claims.Member)?.Value;
        var organization = principal.FindFirst(Claims.Organization)?.Value;
        if (string.IsNullOrEmpty(member) || string.IsNullOrEmpty(organization)
            || !RoleNames.TryParse(principal.FindFirst(Claims.Role)?.Value, out var role))
        {
            return null;
        }

        return new Caller(member, organization, role);
    }

    /// <summary>The caller of a gRPC call; the authorization policy guarantees there is one.</summary>
    public static Caller Of(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var caller = From(http.User) ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "A ReferralNet bearer token is required."));
        return http.Items.TryGetValue(typeof(MemberStanding), out var confirmed) && confirmed is MemberStanding standing
            ? caller with { Profession = standing.Profession, OrganizationKind = standing.OrganizationKind }
            : caller;
    }

    /// <summary>True when the caller acts for <paramref name="organizationId"/>.</summary>
    public bool ActsFor(string organizationId) => OrganizationId == organizationId;

    /// <summary>Throws PERMISSION_DENIED unless the caller has one of <paramref name="roles"/>.</summary>
    public void RequireRole(params ReadOnlySpan<MemberRole> roles)
    {
        if (!roles.Contains(Role))
        {
            throw new PermissionDeniedException($"The role {RoleNames.Of(Role)} may not do this.");
        }
    }

    /// <summary>
    /// Throws PERMISSION_DENIED unless the caller administers <paramref name="organizationId"/>: its org-admin, or a
    /// network administrator for the network office they belong to.
    /// </summary>
    public void RequireAdminOf(string organizationId)
    {
        if (Role is not (MemberRole.OrgAdmin or MemberRole.NetworkAdmin) || !ActsFor(organizationId))
        {
            throw new PermissionDeniedException("Only an org-admin of the organization may change it.");
        }
    }
}
