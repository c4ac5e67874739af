using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralNet.Platform.Messaging;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals.Events;

/// <summary>
/// Keeps the coordinator of each open chain from the cases service's case events, so that pillar-to-post reaches whoever
/// coordinates the case now; a late event of an older case version changes nothing.
/// </summary>
public sealed class CaseCoordinationHandler :
    IIntegrationEventHandler<ReferralsDbContext, Proto.CaseOpened>,
    IIntegrationEventHandler<ReferralsDbContext, Proto.CaseCoordinatorChanged>,
    IIntegrationEventHandler<ReferralsDbContext, Proto.CaseClosed>
{
    /// <inheritdoc />
    public Task HandleAsync(ReferralsDbContext db, Proto.CaseOpened opened, EventMetadata metadata, CancellationToken cancellationToken) =>
        CoordinateAsync(db, opened.ServiceUserId, new Coordination(opened.CaseId, opened.CoordinatorMemberId, opened.CoordinatorOrganizationId, opened.Version), cancellationToken);

    /// <inheritdoc />
    public Task HandleAsync(ReferralsDbContext db, Proto.CaseCoordinatorChanged changed, EventMetadata metadata, CancellationToken cancellationToken) =>
        CoordinateAsync(db, changed.ServiceUserId, new Coordination(changed.CaseId, changed.CoordinatorMemberId, changed.CoordinatorOrganizationId, changed.Version), cancellationToken);

    /// <inheritdoc />
    public Task HandleAsync(ReferralsDbContext db, Proto.CaseClosed closed, EventMetadata metadata, CancellationToken cancellationToken) =>
        CoordinateAsync(db, closed.ServiceUserId, new Coordination(null, null, null, closed.Version), cancellationToken, closed.CaseId);

    private static async Task CoordinateAsync(ReferralsDbContext db, string serviceUserId, Coordination coordination, CancellationToken cancellationToken, string? closedCaseId = null)
    {
        var chains = await db.Chains.Where(c => c.ServiceUserId == serviceUserId && c.ClosedAt == null).ToListAsync(cancellationToken);
        foreach (var chain in chains.Where(c => closedCaseId is null || c.CaseId == closedCaseId))
        {
            chain.Coordinate(coordination);
        }
    }
}

/// <summary>Closes the open referrals made under a consent that was revoked, with their events and their chains judged again.</summary>
public sealed class ConsentRevokedHandler(TimeProvider time, IOptions<ReferralsOptions> options) : IIntegrationEventHandler<ReferralsDbContext, Proto.ConsentRevoked>
{
    /// <inheritdoc />
    public async Task HandleAsync(ReferralsDbContext db, Proto.ConsentRevoked revoked, EventMetadata metadata, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = await db.Referrals.Where(r => r.ConsentId == revoked.ConsentId && !Referral.FinalStatuses.Contains(r.Status)).ToListAsync(cancellationToken);
        foreach (var referral in open.Where(r => r.CloseForRevokedConsent(now)))
        {
            db.StepTaken(referral, now);
        }

        foreach (var chainId in open.Select(r => r.ChainId).Distinct())
        {
            await db.AssessChainAsync(chainId, options.Value.PillarToPost, now, cancellationToken);
        }
    }
}

/// <summary>
/// Follows the cases service's merge of two records of one person: the merged record's referrals and chains move to the
/// record kept, so its referrals, chains and at-risk needs are found under one id; each moved referral is announced to its
/// receiver's inbox, whose copy names the old id.
/// </summary>
public sealed class ServiceUserMergeHandler(TimeProvider time) : IIntegrationEventHandler<ReferralsDbContext, Proto.ServiceUsersMerged>
{
    /// <inheritdoc />
    public async Task HandleAsync(ReferralsDbContext db, Proto.ServiceUsersMerged merged, EventMetadata metadata, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var referral in await db.Referrals.Where(r => r.ServiceUserId == merged.MergedServiceUserId).ToListAsync(cancellationToken))
        {
            referral.MoveTo(merged.ServiceUserId, now);
            db.InboxChanges.Add(new InboxChange(referral.ToOrganizationId, InboxChangeKind.Referral, referral.Id, now));
        }

        foreach (var chain in await db.Chains.Where(c => c.ServiceUserId == merged.MergedServiceUserId).ToListAsync(cancellationToken))
        {
            chain.MoveTo(merged.ServiceUserId, now);
        }
    }
}
