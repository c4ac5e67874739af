using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Data;

/// <summary>
/// The fixed-shape reads every event handler of this service makes before it applies an event, compiled once: the
/// source's state (which of its events were applied) and the live id of the service user the event names.
/// </summary>
public static class SourceQueries
{
    private static readonly CompiledPerModel<Func<CasesDbContext, string, CancellationToken, Task<SourceState?>>> StoredState = new(() =>
        EF.CompileAsyncQuery((CasesDbContext db, string key, CancellationToken _) => db.SourceStates.FirstOrDefault(s => s.Key == key)));

    private static readonly CompiledPerModel<Func<CasesDbContext, string, CancellationToken, Task<string?>>> LiveId = new(() =>
        EF.CompileAsyncQuery((CasesDbContext db, string serviceUserId, CancellationToken _) =>
            db.ServiceUsers.Where(s => s.Id == serviceUserId).Select(s => s.MergedIntoId ?? s.Id).FirstOrDefault()));

    /// <summary>
    /// The tracked state of the source <paramref name="key"/>, as <c>Find</c> gives it: the one this context already
    /// tracks (another handler of the same event may have added it, unsaved), else the stored one; null for a new source.
    /// </summary>
    public static async Task<SourceState?> SourceStateAsync(this CasesDbContext db, string key, CancellationToken cancellationToken) =>
        db.SourceStates.Local.FindEntry(key)?.Entity ?? await StoredState.For(db)(db, key, cancellationToken);

    /// <summary>The id <paramref name="serviceUserId"/> answers as (a merged record as the one it went into); null for an unknown one.</summary>
    public static Task<string?> LiveIdAsync(this CasesDbContext db, string serviceUserId, CancellationToken cancellationToken) =>
        LiveId.For(db)(db, serviceUserId, cancellationToken);
}
