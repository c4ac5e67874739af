using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Persistence;
using ReferralNet.Referrals.Domain;

namespace ReferralNet.Referrals.Data;

/// <summary>
/// The reads of every referral create and step, compiled once: those inside a write run under the write's turn, one write at
/// a time, and the others run on every call.
/// </summary>
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

    private static readonly CompiledPerModel<Func<ReferralsDbContext, string, CancellationToken, Task<string?>>> ServiceUserOf = new(() =>
        EF.CompileAsyncQuery((ReferralsDbContext db, string id, CancellationToken _) =>
            db.Referrals.Where(r => r.Id == id).Select(r => r.ServiceUserId).FirstOrDefault()));

    private static readonly CompiledPerModel<Func<ReferralsDbContext, string, string, CancellationToken, Task<Referral?>>> VisibleTo = new(() =>
        EF.CompileAsyncQuery((ReferralsDbContext db, string id, string organizationId, CancellationToken _) =>
            db.Referrals.AsNoTracking().FirstOrDefault(r => r.Id == id && (r.FromOrganizationId == organizationId || r.ToOrganizationId == organizationId
                || db.Chains.Any(c => c.Id == r.ChainId && c.CoordinatorOrganizationId == organizationId)))));

    private static readonly CompiledPerModel<Func<ReferralsDbContext, string, CancellationToken, Task<Referral>>> Tracked = new(() =>
        EF.CompileAsyncQuery((ReferralsDbContext db, string id, CancellationToken _) => db.Referrals.Single(r => r.Id == id)));

    private static readonly CompiledPerModel<Func<ReferralsDbContext, string, CancellationToken, Task<KnownService?>>> Service = new(() =>
        EF.CompileAsyncQuery((ReferralsDbContext db, string id, CancellationToken _) => db.Services.AsNoTracking().FirstOrDefault(s => s.Id == id)));

    /// <summary>The service user of a referral, whoever may see it (for the audit record of a refusal); null for an unknown id.</summary>
    public static Task<string?> ServiceUserOfReferralAsync(this ReferralsDbContext db, string id, CancellationToken cancellationToken) =>
        ServiceUserOf.For(db)(db, id, cancellationToken);

    /// <summary>The referral, untracked, when the organization sent it, received it or coordinates its chain's case; otherwise null.</summary>
    public static Task<Referral?> ReferralVisibleToAsync(this ReferralsDbContext db, string id, string organizationId, CancellationToken cancellationToken) =>
        VisibleTo.For(db)(db, id, organizationId, cancellationToken);

    /// <summary>The referral, tracked for a change; it must exist.</summary>
    public static Task<Referral> ReferralToChangeAsync(this ReferralsDbContext db, string id, CancellationToken cancellationToken) =>
        Tracked.For(db)(db, id, cancellationToken);

    /// <summary>The directory's service as this service knows it, untracked; null when unknown.</summary>
    public static Task<KnownService?> KnownServiceAsync(this ReferralsDbContext db, string id, CancellationToken cancellationToken) =>
        Service.For(db)(db, id, cancellationToken);

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
