using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using ReferralNet.Platform.Audit;
using MemberStanding = ReferralNet.Platform.Identity.MemberStanding;
using Role = ReferralNet.Platform.Identity.MemberRole;

namespace ReferralNet.Organizations.Tests;

/// <summary>Calls refused at the door leave a bounded audit record with the identity they claimed.</summary>
public abstract class DoorAuditTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    [SkippableFact]
    public async Task Refusals_at_the_door_are_recorded_with_the_claimed_identity_and_a_flood_only_up_to_the_budget()
    {
        var organization = await NewOrganizationAsync();
        var (member, call) = await NewMemberAsync(organization);
        var claimed = new MemberStanding(member.Id, member.OrganizationId, Role.Professional, true);
        var read = new GetMemberRequest { Id = member.Id };
        var after = await InDatabase(db => db.AuditTrail.MaxAsync(r => r.Sequence));

        await FailsWith(StatusCode.Unauthenticated, () => Directory.GetMemberAsync(read).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.GetMemberAsync(read, Token(claimed, new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)))).ResponseAsync);
        await FailsWith(StatusCode.Unauthenticated, () => Directory.GetMemberAsync(read, Token(claimed, expires: DateTime.UtcNow.AddMinutes(-10))).ResponseAsync);
        await Directory.DeactivateMemberAsync(new DeactivateMemberRequest { Id = member.Id }, organization.Admin);
        await FailsWith(StatusCode.PermissionDenied, () => Directory.GetMemberAsync(read, call).ResponseAsync);

        var refusals = await RefusalsAfterAsync(after);
        Assert.Equal(
        [
            ("anonymous", "", "NO_TOKEN", "Unauthenticated"),
            (member.Id, member.OrganizationId, "TOKEN_SIGNATURE_INVALID", "Unauthenticated"),
            (member.Id, member.OrganizationId, "TOKEN_EXPIRED", "Unauthenticated"),
            (member.Id, member.OrganizationId, "FORBIDDEN: The member is not active in this organization with this role.", "PermissionDenied"),
        ], refusals.Select(r => (r.MemberId, r.OrganizationId, r.Basis, r.Outcome)));
        Assert.All(refusals, r => Assert.Equal("/referralnet.v1.OrganizationsService/GetMember", r.Action));

        // A flood of forged tokens: every call is refused, but only the budget of the minute is recorded.
        var forger = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        await Task.WhenAll(Enumerable.Range(0, 60).Select(_ =>
            FailsWith(StatusCode.Unauthenticated, () => Directory.GetMemberAsync(read, Token(claimed with { MemberId = Guid.NewGuid().ToString() }, forger)).ResponseAsync)));
        Assert.Equal(IsolatedSqliteFixture.RefusalsPerMinute, (await RefusalsAfterAsync(after)).Count);
    }

    private Task<List<AuditRecord>> RefusalsAfterAsync(long sequence) =>
        InDatabase(db => db.AuditTrail.AsNoTracking().Where(r => r.Sequence > sequence && r.Purpose == "access-control").OrderBy(r => r.Sequence).ToListAsync());
}

[Collection(IsolatedSqliteCollection.Name)]
public sealed class DoorAuditTestsOnSqlite(IsolatedSqliteFixture fixture) : DoorAuditTests(fixture);

[Collection(IsolatedPostgresCollection.Name)]
public sealed class DoorAuditTestsOnPostgres(IsolatedPostgresFixture fixture) : DoorAuditTests(fixture);
