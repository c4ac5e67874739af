using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Platform.Audit;

namespace ReferralNet.Cases.Tests;

/// <summary>Base of the cases tests: the network test kit, the host's clock and log, the cases database.</summary>
public abstract class CasesTest(CasesFixture fixture) : NetworkTest(fixture)
{
    /// <summary>
    /// A welfare organization of Moerwijk in the care team of <paramref name="serviceUserId"/> (a CARE consent for
    /// loneliness, a supporter's part), and the service user's move to the Laak, which marks that part for review.
    /// </summary>
    /// <returns>The welfare worker's call options and the involvement waiting for review.</returns>
    protected async Task<(CallOptions Worker, Involvement Marked)> MovedAwayFromWelfareAsync(Practice team, string serviceUserId)
    {
        var local = await NewOrganizationAsync(OrganizationKind.Welfare, "moerwijk");
        var worker = await NewMemberAsync(local, MemberRole.Professional);
        await PublishAsync(new OrganizationChanged { Organization = local.Organization, Version = long.Parse(local.Organization.Etag) });
        await Consents.GrantConsentAsync(new GrantConsentRequest
        {
            Consent = new Consent { ServiceUserId = serviceUserId, OrganizationId = local.Organization.Id, Purpose = ConsentPurpose.Care, LifeDomains = { LifeDomain.Social }, Method = ConsentMethod.Verbal },
        }, team.Call);
        await CareTeam.AddInvolvementAsync(new AddInvolvementRequest { Involvement = new Involvement { ServiceUserId = serviceUserId, Role = InvolvementRole.Supporter } }, worker.Call);
        var current = (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = serviceUserId }, team.Call)).ServiceUser;
        var moved = await ServiceUsers.MoveServiceUserAsync(new MoveServiceUserRequest { Id = serviceUserId, Etag = current.Etag, Neighbourhood = "laak" }, team.Call);
        return (worker.Call, Assert.Single(moved.InvolvementsToReview));
    }

    /// <summary>Reads the cases database the way the service does.</summary>
    protected async Task<T> InCases<T>(Func<CasesDbContext, Task<T>> query)
    {
        await using var scope = Fixture.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CasesDbContext>());
    }

    /// <summary>The cases service's audit records of one service user, oldest first.</summary>
    protected Task<List<AuditRecord>> AccessesOf(string serviceUserId) =>
        InCases(db => db.AuditTrail.AsNoTracking().Where(a => a.ServiceUserId == serviceUserId).OrderBy(a => a.Sequence).ToListAsync());
}
