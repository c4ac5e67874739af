using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Data;
using ReferralNet.Platform.Audit;
using AuditProblem = ReferralNet.Contracts.V1.AuditProblem;
using ReferralNet.Platform.Persistence;
using ReferralNet.Server;

namespace ReferralNet.Organizations.Tests;

/// <summary>
/// The privacy officer's RPC and the operators' <c>verify-audit</c> command find a truncated and a tampered trail.
/// These tests damage the trail, so they run on hosts of their own.
/// </summary>
public abstract class AuditVerificationTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    private AuditService.AuditServiceClient Audit => new(Channel);

    private static VerifyAuditTrailRequest Organizations => new() { Service = OrganizationsModule.Name };

    [SkippableFact]
    public async Task Verification_reports_a_truncated_and_then_a_tampered_trail()
    {
        var organization = await NewOrganizationAsync();
        var (_, officer) = await NewMemberAsync(organization, MemberRole.PrivacyOfficer);
        await ReadAdminAsync(organization, times: 3);

        var intact = await Audit.VerifyAuditTrailAsync(Organizations, officer);
        Assert.True(intact.Intact);
        Assert.Equal(intact.LastSequence, intact.RecordsChecked);
        Assert.Equal((0, "organizations: audit trail intact"), await VerifyAuditCommandAsync());
        await FailsWith(StatusCode.Unauthenticated, () => Audit.VerifyAuditTrailAsync(Organizations).ResponseAsync);
        await FailsWith(StatusCode.PermissionDenied, () => Audit.VerifyAuditTrailAsync(Organizations, organization.Admin).ResponseAsync);
        await InvalidField("service", () => Audit.VerifyAuditTrailAsync(new VerifyAuditTrailRequest { Service = "billing" }, officer).ResponseAsync);
        await InvalidField("checkpoint", () => Audit.VerifyAuditTrailAsync(new VerifyAuditTrailRequest { Service = OrganizationsModule.Name, Checkpoint = "1.2.3" }, officer).ResponseAsync);

        // Someone deletes the newest records after a checkpoint was taken.
        var checkpoint = await Fixture.Services.GetServices<IHostedService>().OfType<AuditCheckpointer<OrganizationsDbContext>>().Single().CheckpointAsync(CancellationToken.None);
        Assert.NotNull(checkpoint);
        await InDatabase(db => db.AuditTrail.Where(r => r.Sequence >= checkpoint.Sequence - 1).ExecuteDeleteAsync());
        var truncated = await Audit.VerifyAuditTrailAsync(Organizations, officer);
        Assert.False(truncated.Intact);
        Assert.Equal(AuditProblem.Truncated, truncated.Finding.Problem);
        Assert.Equal(checkpoint.Sequence - 1, truncated.Finding.Sequence);
        Assert.Equal(checkpoint.Sequence, truncated.NewestCheckpoint.Sequence);
        Assert.Equal((1, $"organizations: audit trail BROKEN at record {checkpoint.Sequence - 1} (Truncated)"), await VerifyAuditCommandAsync());

        // ...and the stored checkpoints too: the token the log kept still shows the cut.
        await InDatabase(db => db.AuditCheckpoints.ExecuteDeleteAsync());
        Assert.Equal(0, (await VerifyAuditCommandAsync()).ExitCode);
        Assert.Equal((1, $"organizations: audit trail BROKEN at record {checkpoint.Sequence - 1} (Truncated)"), await VerifyAuditCommandAsync("--checkpoint", checkpoint.ToToken()));
        var withToken = await Audit.VerifyAuditTrailAsync(new VerifyAuditTrailRequest { Service = OrganizationsModule.Name, Checkpoint = checkpoint.ToToken() }, officer);
        Assert.Equal(AuditProblem.Truncated, withToken.Finding.Problem);

        // Someone rewrites who did something: the first record it touched is reported.
        await InDatabase(db => db.AuditTrail.Where(r => r.Sequence == 2).ExecuteUpdateAsync(r => r.SetProperty(x => x.MemberId, "someone-else")));
        var tampered = await Audit.VerifyAuditTrailAsync(Organizations, officer);
        Assert.Equal(AuditProblem.Altered, tampered.Finding.Problem);
        Assert.Equal(2, tampered.Finding.Sequence);
        Assert.Equal((1, "organizations: audit trail BROKEN at record 2 (Altered)"), await VerifyAuditCommandAsync());
    }

    private async Task ReadAdminAsync(TestOrganization organization, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await Directory.GetMemberAsync(new GetMemberRequest { Id = organization.AdminMember.Id }, organization.Admin);
        }
    }

    // Runs `verify-audit organizations` as an operator would, against this host's database and keys; returns the exit
    // code and the report up to its explanation.
    private async Task<(int ExitCode, string Report)> VerifyAuditCommandAsync(params string[] options)
    {
        var output = new StringWriter();
        var exitCode = await ReferralNetHost.RunVerifyAuditCommandAsync([OrganizationsModule.Name, .. options, .. Fixture.CommandLine], output);
        var report = output.ToString();
        return (exitCode, report[..report.IndexOfAny([',', ':'], report.IndexOf(": ", StringComparison.Ordinal) + 2)]);
    }
}

[Collection(IsolatedSqliteCollection.Name)]
public sealed class AuditVerificationTestsOnSqlite(IsolatedSqliteFixture fixture) : AuditVerificationTests(fixture);

[Collection(IsolatedPostgresCollection.Name)]
public sealed class AuditVerificationTestsOnPostgres(IsolatedPostgresFixture fixture) : AuditVerificationTests(fixture);
