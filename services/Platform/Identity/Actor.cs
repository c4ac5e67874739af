using System.Security.Claims;

namespace ReferralNet.Platform.Identity;

/// <summary>Who a call's audit record names: a member (id, organization, role) or a workload ("workload:name").</summary>
/// <param name="Id">The member id, <c>workload:&lt;name&gt;</c>, or <c>anonymous</c>.</param>
/// <param name="OrganizationId">The member's organization; empty for workloads and anonymous callers.</param>
/// <param name="Role">The member's role name, <c>workload</c>, or empty.</param>
public sealed record Actor(string Id, string OrganizationId, string Role)
{
    /// <summary>The actor of <paramref name="principal"/>'s token.</summary>
    public static Actor Of(ClaimsPrincipal principal, AuthOptions options) =>
        Workload.From(principal, options) is { } workload ? new Actor($"workload:{workload.Name}", "", "workload")
        : Caller.From(principal) is { } caller ? new Actor(caller.MemberId, caller.OrganizationId, RoleNames.Of(caller.Role))
        : new Actor("anonymous", "", "");
}
