using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Messaging;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases.Events;

/// <summary>Keeps the names the care team shows from the directory's MemberChanged events.</summary>
public sealed class MemberNamesHandler : IIntegrationEventHandler<CasesDbContext, Proto.MemberChanged>
{
    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.MemberChanged changed, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (changed.Member is not { } member)
        {
            return;
        }

        if (await db.KnownMembers.FindAsync([member.Id], cancellationToken) is { } known)
        {
            known.Apply(member.DisplayName, member.Profession, changed.Version);
        }
        else
        {
            db.KnownMembers.Add(new KnownMember(member.Id, member.DisplayName, member.Profession, changed.Version));
        }
    }
}

/// <summary>Keeps each referral's place in its chain and its status, and writes their events into the timeline.</summary>
public sealed class ReferralViewHandler
    : IIntegrationEventHandler<CasesDbContext, Proto.ReferralRequested>, IIntegrationEventHandler<CasesDbContext, Proto.ReferralStatusChanged>
{
    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.ReferralRequested requested, EventMetadata metadata, CancellationToken cancellationToken)
    {
        // Applied once per referral, whenever it arrives: after a status change of the same referral (events come in any
        // order) it completes the view that change started, its place in the chain and its start, and the newer status stays.
        if (!await db.AcceptsAsync($"referral-request:{requested.ReferralId}", 1, ends: true, cancellationToken))
        {
            return;
        }

        var view = await db.Referrals.FindAsync([requested.ReferralId], cancellationToken);
        if (view is null)
        {
            view = new ReferralView(
                requested.ReferralId, await db.LiveIdOfAsync(requested.ServiceUserId, cancellationToken), requested.ChainId, requested.PreviousReferralId,
                requested.NeedId, requested.FromOrganizationId, requested.ToServiceId, requested.ToOrganizationId, metadata.OccurredAt);
            db.Referrals.Add(view);
        }
        else
        {
            view.RequestArrived(requested.PreviousReferralId, metadata.OccurredAt);
        }

        view.StatusChanged((int)Proto.ReferralStatus.Requested, 0, 0, 0, metadata.OccurredAt, requested.Version);
        db.ReferralChanged(view, "Referral requested", (LifeDomain)requested.LifeDomain, metadata.OccurredAt);
    }

    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.ReferralStatusChanged changed, EventMetadata metadata, CancellationToken cancellationToken)
    {
        var at = changed.ChangeTime?.ToInstant() ?? metadata.OccurredAt;
        var view = await db.Referrals.FindAsync([changed.ReferralId], cancellationToken);
        if (view is null)
        {
            view = new ReferralView(
                changed.ReferralId, await db.LiveIdOfAsync(changed.ServiceUserId, cancellationToken), changed.ChainId, "",
                changed.NeedId, changed.FromOrganizationId, changed.ToServiceId, changed.ToOrganizationId, at);
            db.Referrals.Add(view);
        }

        if (view.StatusChanged((int)changed.Status, (int)changed.DeclineReason, (int)changed.FailureReason, (int)changed.Outcome, at, changed.Version))
        {
            var declined = changed.Status == Proto.ReferralStatus.Declined ? $": {TimelineWriter.Words(changed.DeclineReason)}" : "";
            db.ReferralChanged(view, $"Referral {TimelineWriter.Words(changed.Status)}{declined}", (LifeDomain)changed.LifeDomain, at);
        }
    }
}
