using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Audit;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Tests;

[Collection("platform")]
public sealed class AuditTrailTests : IAsyncLifetime
{
    private readonly PlatformHost _host = new();

    private AuditTrail<TestDbContext> Trail => _host.App.Services.GetRequiredService<AuditTrail<TestDbContext>>();

    private IAuditVerifier Verifier => _host.App.Services.GetServices<IAuditVerifier>().Single();

    private AuditCheckpointer<TestDbContext> Checkpointer => _host.App.Services.GetServices<IHostedService>().OfType<AuditCheckpointer<TestDbContext>>().Single();

    public Task InitializeAsync() => Trail.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await Trail.StopAsync(CancellationToken.None);
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_records_form_one_chain_that_verifies()
    {
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => Trail.AppendAsync(Entry($"subject-{i}")))));

        var records = await _host.InDatabase(db => db.AuditTrail.AsNoTracking().OrderBy(r => r.Sequence).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(300, records.Select(r => r.SubjectId).Distinct().Count());
        var report = await Verifier.VerifyAsync(null, CancellationToken.None);
        Assert.True(report.Intact, report.Finding?.Detail);
        Assert.Equal(300, report.RecordsChecked);
        Assert.Equal(300, report.LastSequence);
    }

    [Fact]
    public async Task A_changed_record_is_found_unless_resealed_with_our_key()
    {
        await AppendAsync(5);
        var original = await _host.InDatabase(db => db.AuditTrail.AsNoTracking().SingleAsync(r => r.Sequence == 2));
        await _host.InDatabase(db => db.Database.ExecuteSqlRawAsync("UPDATE audit_trail SET Outcome = 'OK' WHERE Sequence = 2"));
        Assert.Equal(new AuditFinding(2, AuditProblem.Altered, "record 2 does not carry the MAC of its fields"), (await Verifier.VerifyAsync(null, CancellationToken.None)).Finding);

        // Someone with database access but not the key reseals the changed record with a key of their own...
        var stranger = new KeyRing(RandomNumberGenerator.GetBytes(32), []);
        var resealed = AuditRecord.Seal(EntryOf(original) with { Outcome = "OK" }, 2, original.PreviousMac, stranger);
        await _host.InDatabase(db => db.Database.ExecuteSqlAsync($"UPDATE audit_trail SET KeyId = {resealed.KeyId}, Mac = {resealed.Mac} WHERE Sequence = 2"));
        Assert.Equal(AuditProblem.UnknownKey, (await Verifier.VerifyAsync(null, CancellationToken.None)).Finding?.Problem);

        // ...and claims our key id for it.
        await _host.InDatabase(db => db.Database.ExecuteSqlAsync($"UPDATE audit_trail SET KeyId = {original.KeyId} WHERE Sequence = 2"));
        Assert.Equal(AuditProblem.Altered, (await Verifier.VerifyAsync(null, CancellationToken.None)).Finding?.Problem);
    }

    [Fact]
    public async Task Removing_a_record_is_found_where_it_was()
    {
        await AppendAsync(5);
        await _host.InDatabase(db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_trail WHERE Sequence = 3"));

        var report = await Verifier.VerifyAsync(null, CancellationToken.None);

        Assert.Equal(new AuditFinding(3, AuditProblem.Missing, "records 3 to 3 are missing"), report.Finding);
    }

    [Fact]
    public async Task Deleting_the_newest_records_is_found_against_the_last_checkpoint()
    {
        await AppendAsync(5);
        var checkpoint = await Checkpointer.CheckpointAsync(CancellationToken.None);
        Assert.Equal(5, checkpoint?.Sequence);
        Assert.Null(await Checkpointer.CheckpointAsync(CancellationToken.None));
        await AppendAsync(2);
        Assert.True((await Verifier.VerifyAsync(null, CancellationToken.None)).Intact);

        await _host.InDatabase(db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_trail WHERE Sequence >= 4"));
        var report = await Verifier.VerifyAsync(null, CancellationToken.None);
        Assert.Equal(AuditProblem.Truncated, report.Finding?.Problem);
        Assert.Equal(4, report.Finding?.Sequence);

        // Deleting the checkpoints as well leaves a trail that is consistent in itself; the token from the log still catches it.
        await _host.InDatabase(db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_checkpoints"));
        Assert.True((await Verifier.VerifyAsync(null, CancellationToken.None)).Intact);
        var fromLog = AuditCheckpoint.FromToken(checkpoint!.ToToken());
        Assert.Equal(AuditProblem.Truncated, (await Verifier.VerifyAsync(fromLog, CancellationToken.None)).Finding?.Problem);
    }

    [Fact]
    public async Task A_checkpoint_not_signed_with_our_key_or_of_another_record_is_reported()
    {
        await AppendAsync(3);
        var forged = AuditCheckpoint.Sign(new ChainHead(9, AuditRecord.GenesisMac), _host.Clock.GetUtcNow(), new KeyRing(RandomNumberGenerator.GetBytes(32), []));
        Assert.Equal(AuditProblem.CheckpointMismatch, (await Verifier.VerifyAsync(forged, CancellationToken.None)).Finding?.Problem);

        var ours = await Checkpointer.CheckpointAsync(CancellationToken.None);
        var record2 = await _host.InDatabase(db => db.AuditTrail.AsNoTracking().SingleAsync(r => r.Sequence == 2));
        var keys = _host.App.Services.GetRequiredService<SecretKeys>().Ring(SecretKeys.AuditTrail);
        var wrongRecord = AuditCheckpoint.Sign(new ChainHead(3, record2.Mac), _host.Clock.GetUtcNow(), keys);
        var report = await Verifier.VerifyAsync(wrongRecord, CancellationToken.None);
        Assert.Equal(new AuditFinding(3, AuditProblem.CheckpointMismatch, "record 3 is not the record a signed checkpoint recorded at this position"), report.Finding);
        Assert.Equal(3, ours?.Sequence);
    }

    [Fact]
    public async Task The_chain_head_is_read_in_the_writes_own_transaction_and_a_rolled_back_write_leaves_it_where_it_was()
    {
        await AppendAsync(2);
        var keys = _host.App.Services.GetRequiredService<SecretKeys>().Ring(SecretKeys.AuditTrail);
        await using var scope = _host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var committed = await AuditChain.HeadAsync(db, CancellationToken.None);
        Assert.Equal(2, committed.Sequence);

        await using (var write = await db.BeginWriteAsync(CancellationToken.None))
        {
            await AuditChain.AppendAsync(db, [Entry("rolled-back-1"), Entry("rolled-back-2")], keys, CancellationToken.None);
            var inWrite = await AuditChain.HeadAsync(db, CancellationToken.None);
            Assert.Equal(4, inWrite.Sequence);
            Assert.NotEqual(committed.Mac, inWrite.Mac);
        }

        Assert.Equal(committed, await AuditChain.HeadAsync(db, CancellationToken.None));
        await AppendAsync(1);
        var next = await _host.InDatabase(db => db.AuditTrail.AsNoTracking().SingleAsync(r => r.Sequence == 3));
        Assert.Equal(committed.Mac, next.PreviousMac);
        Assert.Null((await Verifier.VerifyAsync(null, CancellationToken.None)).Finding);
    }

    [Fact]
    public void Records_sealed_before_a_key_rotation_verify_with_the_retired_key()
    {
        var old = RandomNumberGenerator.GetBytes(32);
        var record = AuditRecord.Seal(Entry("rotated"), 1, AuditRecord.GenesisMac, new KeyRing(old, []));

        Assert.True(record.IsIntact(new KeyRing(RandomNumberGenerator.GetBytes(32), [old])));
        Assert.False(record.IsIntact(new KeyRing(RandomNumberGenerator.GetBytes(32), [])));
    }

    [Fact]
    public async Task A_call_cannot_answer_when_its_record_cannot_be_written()
    {
        await _host.InDatabase(db => db.Database.ExecuteSqlRawAsync("DROP TABLE audit_trail"));

        await Assert.ThrowsAsync<AuditUnavailableException>(() => Trail.AppendAsync(Entry("lost")));
    }

    private async Task AppendAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Trail.AppendAsync(Entry($"subject-{i}"));
        }
    }

    private static AuditEntry EntryOf(AuditRecord r) => new(
        r.OccurredAt, r.MemberId, r.OrganizationId, r.Role, r.Action, r.Kind, r.SubjectType, r.SubjectId, r.ServiceUserId, r.Purpose, r.Basis, r.Outcome, r.TraceId);

    private AuditEntry Entry(string subject) => new(
        _host.Clock.GetUtcNow(), "member-1", "organization-1", "professional", "/referralnet.v1.NetworkViewService/GetNetworkView",
        AuditKind.Read, "service-user", subject, subject, "care", "consent:c-1", "NotFound", null);
}
