namespace ReferralNet.Cases.Tests;

/// <summary>
/// Same-etag races on the cases service's write paths: exactly one winner, ABORTED for the rest, and the process keeps
/// answering writes and audited reads afterwards.
/// </summary>
public abstract class ConcurrencyTests(CasesFixture fixture) : CasesTest(fixture)
{
    private const int Racers = 20;
    private const int Rounds = 4;

    [SkippableFact]
    public async Task Same_etag_updates_of_a_service_user_and_a_need_give_one_success_each_round()
    {
        var team = await NewPracticeAsync();
        var user = (await RegisterAsync(team)).ServiceUser;
        var need = (await Cases.RecordNeedAsync(new RecordNeedRequest { Need = new Need { ServiceUserId = user.Id, LifeDomain = LifeDomain.Debt, Severity = NeedSeverity.High } }, team.Call)).Need;

        await RaceRoundsAsync(
            Racers, Rounds,
            (etag, round, i) => ServiceUsers.UpdateServiceUserAsync(new UpdateServiceUserRequest
            {
                ServiceUser = new ServiceUser { Id = user.Id, Etag = etag, GivenName = $"Racer {round}.{i}" },
                UpdateMask = new() { Paths = { "given_name" } },
            }, Deadline(team.Call)).ResponseAsync,
            async () => (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = user.Id }, Deadline(team.Call))).ServiceUser.Etag);
        await RaceRoundsAsync(
            Racers, Rounds,
            (etag, round, i) => Cases.UpdateNeedAsync(new UpdateNeedRequest
            {
                Need = new Need { Id = need.Id, Etag = etag, Description = $"round {round} racer {i}" },
                UpdateMask = new() { Paths = { "description" } },
            }, Deadline(team.Call)).ResponseAsync,
            async () => (await Cases.GetNeedAsync(new GetNeedRequest { Id = need.Id }, Deadline(team.Call))).Need.Etag);

        await StillAnswersAsync(team, user.Id);
    }

    [SkippableFact]
    public async Task Racing_revocations_and_review_confirmations_with_one_etag_have_one_winner()
    {
        var team = await NewPracticeAsync();
        var gp = await NewPracticeAsync(OrganizationKind.GpPractice, "gp");
        var user = (await RegisterAsync(team)).ServiceUser;
        var care = await GrantAsync(team, user.Id, gp, ConsentPurpose.Care, [LifeDomain.PhysicalHealth]);
        var (worker, marked) = await MovedAwayFromWelfareAsync(team, user.Id);

        var revocations = await RaceAsync(Racers, i => Consents.RevokeConsentAsync(
            new RevokeConsentRequest { Id = care.Id, Etag = care.Etag, Reason = $"Racer {i}" }, Deadline(team.Call)).ResponseAsync);
        var confirmations = await RaceAsync(Racers, i => CareTeam.ConfirmInvolvementAsync(
            new ConfirmInvolvementRequest { Id = marked.Id, Etag = marked.Etag }, Deadline(worker)).ResponseAsync);

        foreach (var outcomes in new[] { revocations.Select(o => o.Error?.StatusCode), confirmations.Select(o => o.Error?.StatusCode) })
        {
            Assert.Equal(1, outcomes.Count(o => o is null));
            Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(StatusCode.Aborted, o));
        }

        Assert.Equal(ConsentStatus.Revoked, (await Consents.GetConsentAsync(new GetConsentRequest { Id = care.Id }, team.Call)).Consent.Status);
        await StillAnswersAsync(team, user.Id);
    }

    // A write and an audited read must both answer well within their deadline.
    private async Task StillAnswersAsync(Practice team, string serviceUserId)
    {
        var recorded = await Cases.RecordNeedAsync(new RecordNeedRequest { Need = new Need { ServiceUserId = serviceUserId, LifeDomain = LifeDomain.Income, Severity = NeedSeverity.Low } }, Deadline(team.Call));
        Assert.NotEmpty(recorded.Need.Id);
        Assert.Equal(serviceUserId, (await ServiceUsers.GetServiceUserAsync(new GetServiceUserRequest { Id = serviceUserId }, Deadline(team.Call))).ServiceUser.Id);
    }

    private static CallOptions Deadline(CallOptions call) => call.WithDeadline(DateTime.UtcNow.AddSeconds(10));
}

[Collection(SqliteCollection.Name)]
public sealed class ConcurrencyTestsOnSqlite(CasesSqliteFixture fixture) : ConcurrencyTests(fixture);

[Collection(PostgresCollection.Name)]
public sealed class ConcurrencyTestsOnPostgres(CasesPostgresFixture fixture) : ConcurrencyTests(fixture);
