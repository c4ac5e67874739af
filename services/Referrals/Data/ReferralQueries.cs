using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals.Domain;

namespace ReferralNet.Referrals.Data;

/// <summary>The reads inside every referral write, compiled once: they run under the write's turn, one write at a time.</summary>
public static class ReferralQueries
{
    private static readonly CompiledPerModel<Func<ReferralsDbContext, string, string, CancellationToken, Task<bool>>> OpenToService = new(() =>
        EF.CompileAsyncQuery((ReferralsDbContext db, string chainId, string serviceId, CancellationToken _) =>
            db.Referrals.Any(r => r.ChainId == chainId && r.ToServiceId == serviceId && !Referral.FinalStatuses.Contains(r.Status))));

    private static readonly CompiledPerModel<Func<ReferralsDbContext, string, IAsyncEnumerable<Referral>>> OfChain = new(() =>
        EF.CompileAsyncQuery((ReferralsDbContext db, string chainId) => db.Referrals.Where(r => r.ChainId == chainId)));

    private static readonly CompiledPerModel<Func<ReferralsDbContext, string, CancellationToken, Task<Chain?>>> OpenChain = new(() =>
        EF.CompileAsyncQuery((ReferralsDbContext db, string needId, CancellationToken _) => db.Chains.SingleOrDefault(c => c.OpenNeedId == needId)));

    private static readonly CompiledPerModel<Func<ReferralsDbContext, string, CancellationToken, Task<long?>>> LatestRisk = new(() =>
        EF.CompileAsyncQuery((ReferralsDbContext db, string needId, CancellationToken _) => db.Chains.Where(c => c.NeedId == needId).Max(c => (long?)c.RiskVersion)));

    /// <summary>The need's open chain, tracked; null when it has none.</summary>
    public static Task<Chain?> OpenChainOfAsync(this ReferralsDbContext db, string needId, CancellationToken cancellationToken) =>
        OpenChain.For(db)(db, needId, cancellationToken);

    /// <summary>The newest risk version among the need's chains (a new chain's findings follow its predecessors'); null for a first chain.</summary>
    public static Task<long?> LatestRiskVersionAsync(this ReferralsDbContext db, string needId, CancellationToken cancellationToken) =>
        LatestRisk.For(db)(db, needId, cancellationToken);

    /// <summary>Whether the chain has a referral to the service that is not final yet.</summary>
    public static Task<bool> HasOpenReferralToAsync(this ReferralsDbContext db, string chainId, string serviceId, CancellationToken cancellationToken) =>
        OpenToService.For(db)(db, chainId, serviceId, cancellationToken);

    /// <summary>The stored referrals of a chain, tracked.</summary>
    public static async Task<List<Referral>> ReferralsOfChainAsync(this ReferralsDbContext db, string chainId, CancellationToken cancellationToken)
    {
        var referrals = new List<Referral>();
        await foreach (var referral in OfChain.For(db)(db, chainId).WithCancellation(cancellationToken))
        {
            referrals.Add(referral);
        }

        return referrals;
    }
}
