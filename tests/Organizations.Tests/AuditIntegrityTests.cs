using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Organizations.Tests;

/// <summary>A change and its audit record commit together, and hosts sharing a database extend one chain.</summary>
public abstract class AuditIntegrityTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    private const string CreateService = "/referralnet.v1.OrganizationsService/CreateService";

    [SkippableFact]
    public async Task A_change_whose_record_cannot_be_written_does_not_commit()
    {
        var organization = await NewOrganizationAsync();
        var spec = ServiceSpec(organization.Organization.Id);
        ExpectServerErrors("Audit batch");
        await using (await AuditStoreDownAsync(organization.Organization.Id))
        {
            var refused = await FailsWith(StatusCode.Unavailable, () => Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, organization.Admin).ResponseAsync);
            Assert.Equal("AUDIT_UNAVAILABLE", refused.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason);
        }

        Assert.False(await InDatabase(db => db.Services.AnyAsync(s => s.OrganizationId == organization.Organization.Id)));
        var events = await InDatabase(db => db.Outbox.AsNoTracking().Where(m => m.EventType == ServiceChanged.Descriptor.FullName).Select(m => m.Payload).ToListAsync());
        Assert.DoesNotContain(events, payload => ServiceChanged.Parser.ParseFrom(payload).Service.OrganizationId == organization.Organization.Id);

        // The same call once the audit store is back: one service, one record naming it, written by the change itself.
        var created = (await Directory.CreateServiceAsync(new CreateServiceRequest { Service = spec }, organization.Admin)).Service;
        var records = await AuditOf(created.Id);
        Assert.Equal([(CreateService, "OK")], records.Select(r => (r.Action, r.Outcome)));
    }

    [SkippableFact]
    public async Task Two_hosts_writing_one_database_keep_one_chain_and_every_change_has_its_record()
    {
        var organization = await NewOrganizationAsync();
        await using var replica = await Fixture.StartReplicaAsync();
        var clients = new[] { Directory, new OrganizationsService.OrganizationsServiceClient(replica.Channel) };
        var before = await InDatabase(db => db.AuditTrail.CountAsync());

        var calls = Enumerable.Range(0, 48).Select(async i =>
        {
            var client = clients[i % 2];
            if (i % 3 == 0)
            {
                await client.GetMemberAsync(new GetMemberRequest { Id = organization.AdminMember.Id }, organization.Admin);
                return null;
            }

            var spec = ServiceSpec(organization.Organization.Id);
            return (await client.CreateServiceAsync(new CreateServiceRequest { Service = spec, RequestId = Guid.NewGuid().ToString() }, organization.Admin)).Service.Id;
        });
        var created = (await Task.WhenAll(calls)).OfType<string>().ToList();

        Assert.Equal(before + 48, await InDatabase(db => db.AuditTrail.CountAsync()));
        var changeRecords = await InDatabase(db => db.AuditTrail.AsNoTracking().Where(r => r.Action == CreateService && r.OrganizationId == organization.Organization.Id).ToListAsync());
        Assert.Equal(created.Order(), changeRecords.Select(r => r.SubjectId!).Order());
        var verification = await Fixture.Services.GetServices<IAuditVerifier>().Single(v => v.Service == "organizations").VerifyAsync(null, CancellationToken.None);
        Assert.True(verification.Intact, verification.Finding?.Detail);
    }

    [SkippableFact]
    public async Task A_retried_create_is_recorded_again_but_changes_nothing_twice()
    {
        var organization = await NewOrganizationAsync();
        var request = new CreateServiceRequest { Service = ServiceSpec(organization.Organization.Id), RequestId = Guid.NewGuid().ToString() };

        var first = await Directory.CreateServiceAsync(request, organization.Admin);
        var retry = await Directory.CreateServiceAsync(request, organization.Admin);

        Assert.Equal(first.Service, retry.Service);
        Assert.Equal([(CreateService, "OK"), (CreateService, "OK")], (await AuditOf(first.Service.Id)).Select(r => (r.Action, r.Outcome)));
    }

    [SkippableFact]
    public async Task A_batch_larger_than_one_insert_statement_is_stored_exactly_and_keeps_the_chain()
    {
        // Records are inserted without the change tracker, many rows per statement on server databases: 300 records
        // span three statements there. Every field must read back as sealed, or the chain would not verify.
        var keys = Fixture.Services.GetRequiredService<ReferralNet.Platform.Secrets.SecretKeys>().Ring(ReferralNet.Platform.Secrets.SecretKeys.AuditTrail);
        var occurredAt = new DateTimeOffset(2026, 11, 25, 8, 30, 15, TimeSpan.FromHours(1)).AddTicks(1234567);
        var marker = $"batch-{Guid.NewGuid():N}";
        var entries = Enumerable.Range(0, 300).Select(i => new AuditEntry(
            occurredAt.AddSeconds(i), "member-1", marker, "professional", "/test/Batch", i % 2 == 0 ? AuditKind.Read : AuditKind.Change,
            "member", i % 3 == 0 ? null : $"subject-{i}", null, "coordination", "role", "OK", i % 5 == 0 ? null : $"trace-{i}")).ToList();

        await InDatabase(async db =>
        {
            await using var write = await db.BeginWriteAsync(CancellationToken.None);
            await AuditChain.AppendAsync(db, entries, keys, CancellationToken.None);
            await write.CommitAsync(CancellationToken.None);
            return true;
        });

        var stored = await InDatabase(db => db.AuditTrail.AsNoTracking().Where(r => r.OrganizationId == marker).OrderBy(r => r.Sequence).ToListAsync());
        Assert.Equal(
            entries.Select(e => e with { OccurredAt = Instants.AtStoragePrecision(e.OccurredAt) }),
            stored.Select(r => new AuditEntry(r.OccurredAt, r.MemberId, r.OrganizationId, r.Role, r.Action, r.Kind, r.SubjectType, r.SubjectId, r.ServiceUserId, r.Purpose, r.Basis, r.Outcome, r.TraceId)));
        Assert.Equal(Enumerable.Range(0, 300).Select(i => stored[0].Sequence + i), stored.Select(r => r.Sequence));
        Assert.All(stored, record => Assert.True(record.IsIntact(keys)));
        var verification = await Fixture.Services.GetServices<IAuditVerifier>().Single(v => v.Service == "organizations").VerifyAsync(null, CancellationToken.None);
        Assert.True(verification.Intact, verification.Finding?.Detail);
    }

    // Makes every audit insert of CreateService calls by the organization fail, as a full disk or a lost audit table would.
    private async Task<IAsyncDisposable> AuditStoreDownAsync(string organizationId)
    {
        var postgres = Fixture.Provider == DatabaseProvider.Postgres;
        await InDatabase(db => db.Database.ExecuteSqlRawAsync(postgres
            ? $"""
               CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store down'; END $$;
               CREATE TRIGGER audit_down BEFORE INSERT ON audit_trail FOR EACH ROW
                 WHEN (NEW."OrganizationId" = '{organizationId}' AND NEW."Action" = '{CreateService}') EXECUTE FUNCTION audit_down();
               """
            : $"""
               CREATE TRIGGER audit_down BEFORE INSERT ON audit_trail
                 WHEN NEW.OrganizationId = '{organizationId}' AND NEW.Action = '{CreateService}'
               BEGIN SELECT RAISE(ABORT, 'audit store down'); END;
               """));
        return new Restore(() => InDatabase(db => db.Database.ExecuteSqlRawAsync(postgres
            ? "DROP TRIGGER audit_down ON audit_trail; DROP FUNCTION audit_down();"
            : "DROP TRIGGER audit_down;")));
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AuditIntegrityTestsOnSqlite(SqliteFixture fixture) : AuditIntegrityTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class AuditIntegrityTestsOnPostgres(PostgresFixture fixture) : AuditIntegrityTests(fixture);
