using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Organizations.Tests;

/// <summary>
/// Races a hostile or careless client can start: many updates with one etag, duplicate creates, cancelled writes.
/// Each ends with exactly one winner, and the process keeps answering writes and audited reads afterwards.
/// </summary>
public abstract class ConcurrencyTests(ReferralNetFixture fixture) : DirectoryTest(fixture)
{
    private const int Racers = 24;
    private const int Rounds = 8;

    [SkippableFact]
    public async Task Same_etag_updates_of_a_service_give_one_success_and_the_process_keeps_answering()
    {
        var organization = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);

        await RaceRoundsAsync(
            (etag, round, i) => Directory.UpdateServiceAsync(new UpdateServiceRequest
            {
                Service = new Service { Id = service.Id, Etag = etag, Description = $"round {round} racer {i}" },
                UpdateMask = new() { Paths = { "description" } },
            }, Deadline(organization.Admin)).ResponseAsync,
            async () => (await Directory.GetServiceAsync(new GetServiceRequest { Id = service.Id }, Deadline(organization.Admin))).Service.Etag);

        await StillAnswersAsync(organization);
        var updates = (await AuditOf(service.Id)).Where(r => r.Action.EndsWith("/UpdateService", StringComparison.Ordinal)).ToList();
        Assert.Equal(Rounds, updates.Count(r => r.Outcome == "OK"));
        Assert.Equal(Rounds * (Racers - 1), updates.Count(r => r.Outcome == "Aborted"));
    }

    [SkippableFact]
    public async Task Same_etag_updates_of_a_member_give_one_success_and_the_process_keeps_answering()
    {
        var organization = await NewOrganizationAsync();
        var (member, _) = await NewMemberAsync(organization);

        await RaceRoundsAsync(
            (etag, round, i) => Directory.UpdateMemberAsync(new UpdateMemberRequest
            {
                Member = new Member { Id = member.Id, Etag = etag, DisplayName = $"Racer {round}.{i}" },
                UpdateMask = new() { Paths = { "display_name" } },
            }, Deadline(organization.Admin)).ResponseAsync,
            async () => (await Directory.GetMemberAsync(new GetMemberRequest { Id = member.Id }, Deadline(organization.Admin))).Member.Etag);

        await StillAnswersAsync(organization);
    }

    [SkippableFact]
    public async Task Same_etag_updates_of_an_organization_give_one_success_and_the_process_keeps_answering()
    {
        var organization = await NewOrganizationAsync();
        var id = organization.Organization.Id;

        await RaceRoundsAsync(
            (etag, round, i) => Directory.UpdateOrganizationAsync(new UpdateOrganizationRequest
            {
                Organization = new Organization { Id = id, Etag = etag, Description = $"round {round} racer {i}" },
                UpdateMask = new() { Paths = { "description" } },
            }, Deadline(organization.Admin)).ResponseAsync,
            async () => (await Directory.GetOrganizationAsync(new GetOrganizationRequest { Id = id }, Deadline(organization.Admin))).Organization.Etag);

        await StillAnswersAsync(organization);
    }

    [SkippableFact]
    public async Task Concurrent_retries_of_a_create_under_the_organization_lock_create_one_service_with_one_event()
    {
        // Each retry runs inside the organization's write: the one that loses the race on the request id must leave
        // nothing of its create (service, event) in that write, which still commits its audit record.
        var organization = await NewOrganizationAsync();
        var request = new CreateServiceRequest { Service = ServiceSpec(organization.Organization.Id), RequestId = Guid.NewGuid().ToString() };

        var answers = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Directory.CreateServiceAsync(request, Deadline(organization.Admin)).ResponseAsync));

        var id = Assert.Single(answers.Select(a => a.Service).Distinct()).Id;
        Assert.Equal(1, await InDatabase(db => db.Services.CountAsync(s => s.OrganizationId == organization.Organization.Id)));
        Assert.Equal(1, await InDatabase(db => db.Outbox.CountAsync(m => m.Aggregate == id)));
        Assert.Equal(Racers, (await AuditOf(id)).Count(r => r.Action.EndsWith("/CreateService", StringComparison.Ordinal) && r.Outcome == "OK"));
        await StillAnswersAsync(organization);
    }

    [SkippableFact]
    public async Task A_save_that_breaks_a_unique_key_leaves_the_process_answering()
    {
        var organization = await NewOrganizationAsync();
        var email = $"taken-{Guid.NewGuid():N}@org.test";

        // Racing creates with one e-mail: the unique index refuses all but one at save time.
        var outcomes = await RaceAsync(i => Directory.CreateMemberAsync(new CreateMemberRequest
        {
            Member = new Member
            {
                OrganizationId = organization.Organization.Id, DisplayName = $"Twin {i}", Email = email,
                Role = MemberRole.Professional, Profession = "social-worker", Languages = { "nl" },
            },
        }, Deadline(organization.Admin)).ResponseAsync);

        Assert.Equal(1, outcomes.Count(o => o is null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(StatusCode.AlreadyExists, o));
        Assert.Equal(1, await InDatabase(db => db.Members.CountAsync(m => m.Email == email)));
        await StillAnswersAsync(organization);
    }

    [SkippableFact]
    public async Task Writes_cancelled_by_their_deadline_leave_the_process_answering()
    {
        var organization = await NewOrganizationAsync();
        var service = await NewServiceAsync(organization);

        // Deadlines so short that calls are cancelled at every stage: before, during and after the save.
        var calls = Enumerable.Range(0, Racers * 2).Select(async i =>
        {
            try
            {
                await Directory.UpdateServiceAsync(new UpdateServiceRequest
                {
                    Service = new Service { Id = service.Id, Etag = service.Etag, Description = $"cancelled {i}" },
                    UpdateMask = new() { Paths = { "description" } },
                }, organization.Admin.WithDeadline(DateTime.UtcNow.AddMilliseconds(i % 8)));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Aborted)
            {
            }
        });
        await Task.WhenAll(calls);

        await StillAnswersAsync(organization);
    }

    private static Task RaceRoundsAsync<T>(Func<string, int, int, Task<T>> update, Func<Task<string>> currentEtag) =>
        RaceRoundsAsync(Racers, Rounds, update, currentEtag);

    /// <summary>Starts every racer at once and returns each one's failure code (null for a success).</summary>
    private static async Task<StatusCode?[]> RaceAsync<T>(Func<int, Task<T>> racer) =>
        [.. (await RaceAsync(Racers, racer)).Select(o => o.Error?.StatusCode)];

    /// <summary>A write and an audited read must both answer well within their deadline.</summary>
    private async Task StillAnswersAsync(TestOrganization organization)
    {
        var created = await Directory.CreateServiceAsync(new CreateServiceRequest { Service = ServiceSpec(organization.Organization.Id) }, Deadline(organization.Admin));
        Assert.NotEmpty(created.Service.Id);
        var admin = await Directory.GetMemberAsync(new GetMemberRequest { Id = organization.AdminMember.Id }, Deadline(organization.Admin));
        Assert.Equal(organization.AdminMember.Id, admin.Member.Id);
    }

    private static CallOptions Deadline(CallOptions call) => call.WithDeadline(DateTime.UtcNow.AddSeconds(10));
}

[Collection(SqliteCollection.Name)]
public sealed class ConcurrencyTestsOnSqlite(SqliteFixture fixture) : ConcurrencyTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ConcurrencyTestsOnPostgres(PostgresFixture fixture) : ConcurrencyTests(fixture);
