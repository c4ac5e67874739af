using Microsoft.EntityFrameworkCore;

namespace ReferralNet.Referrals.Tests;

/// <summary>When the cases service cannot answer, a referral fails fast with UNAVAILABLE and nothing is written.</summary>
public sealed class UnreachableCasesTests(UnreachableCasesFixture fixture) : ReferralsTest(fixture), IClassFixture<UnreachableCasesFixture>
{
    [SkippableFact]
    public async Task Create_and_redirect_answer_unavailable_and_write_nothing()
    {
        // The need exists in this host's own cases service, but the referrals service is configured to ask one that is down.
        var scenario = await ScenarioAsync();
        var receiver = await ReceiverAsync(OrganizationKind.DebtCounselling, [LifeDomain.Housing]);
        var consent = await ConsentToReferAsync(scenario, receiver);
        ExpectServerErrors("could not be asked about a referral's consent");

        var refusal = await FailsWith(StatusCode.Unavailable, "PEER_UNAVAILABLE", () => Referrals.CreateReferralAsync(RequestOf(scenario, receiver, consent, Guid.NewGuid().ToString()), scenario.Team.Call).ResponseAsync);
        Assert.Contains("nothing was written", refusal.Status.Detail);
        Assert.Equal(0, await InReferrals(db => db.Referrals.CountAsync()));
        Assert.Equal(0, await InReferrals(db => db.Chains.CountAsync()));
        Assert.Equal(0, await InReferrals(db => db.ProcessedRequests.CountAsync()));
        Assert.Equal(0, await InReferrals(db => db.Outbox.CountAsync(m => m.EventType.StartsWith("referralnet.v1.Referral"))));
    }
}
