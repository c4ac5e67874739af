using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Audit;

namespace ReferralNet.Platform.Tests;

[Collection("platform")]
public sealed class AuditTrailTests : IAsyncLifetime
{
    private readonly PlatformHost _host = new();

    private AuditTrail<TestDbContext> Trail => _host.App.Services.GetRequiredService<AuditTrail<TestDbContext>>();

    public Task InitializeAsync() => Trail.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await Trail.StopAsync(CancellationToken.None);
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_records_form_one_unbroken_chain()
    {
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => Trail.AppendAsync(Entry($"subject-{i}")))));

        var records = await _host.InDatabase(db => db.AuditTrail.AsNoTracking().OrderBy(r => r.Sequence).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(300, records.Select(r => r.SubjectId).Distinct().Count());
        Assert.Null(AuditRecord.FirstBroken(records));
    }

    [Fact]
    public async Task Changing_or_removing_a_record_breaks_the_chain_from_there()
    {
        for (var i = 0; i < 5; i++)
        {
            await Trail.AppendAsync(Entry($"subject-{i}"));
        }

        var records = await _host.InDatabase(db => db.AuditTrail.AsNoTracking().OrderBy(r => r.Sequence).ToListAsync());
        Assert.Null(AuditRecord.FirstBroken(records));

        await _host.InDatabase(db => db.Database.ExecuteSqlRawAsync("UPDATE audit_trail SET Outcome = 'OK' WHERE Sequence = 3"));
        var altered = await _host.InDatabase(db => db.AuditTrail.AsNoTracking().OrderBy(r => r.Sequence).ToListAsync());
        Assert.Equal(3, AuditRecord.FirstBroken(altered)?.Sequence);

        Assert.Equal(4, AuditRecord.FirstBroken(records.Where(r => r.Sequence != 3))?.Sequence);
    }

    [Fact]
    public async Task A_call_cannot_answer_when_its_record_cannot_be_written()
    {
        await _host.InDatabase(db => db.Database.ExecuteSqlRawAsync("DROP TABLE audit_trail"));

        await Assert.ThrowsAsync<AuditUnavailableException>(() => Trail.AppendAsync(Entry("lost")));
    }

    private AuditEntry Entry(string subject) => new(
        _host.Clock.GetUtcNow(), "member-1", "organization-1", "professional", "/referralnet.v1.CasesService/GetNetworkView",
        AuditKind.Read, "service-user", subject, subject, "care", "consent:c-1", "NotFound", null);
}
