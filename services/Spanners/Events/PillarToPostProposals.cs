using Microsoft.Extensions.Options;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Messaging;
using ReferralNet.Spanners.Api;
using ReferralNet.Spanners.Data;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Spanners.Events;

/// <summary>
/// Proposes boundary spanners to the coordinator of a need found at risk of pillar-to-post: someone who stays while the
/// referrals bounce. The best matches for the need's domain go out as SpannersProposed with what the coordinator needs to
/// judge them (names, kinds, shared languages, why they fit), or an empty proposal when none fits. Asked of the cases
/// service as the coordinator, so the proposal never rests on more than the coordinator's own consent; a coordinator
/// who may no longer see the need gets none.
/// </summary>
public sealed class PillarToPostProposals(CasesSupport cases, TimeProvider time, IOptions<SpannersOptions> options)
    : IIntegrationEventHandler<SpannersDbContext, Proto.PillarToPostDetected>
{
    /// <inheritdoc />
    public async Task HandleAsync(SpannersDbContext db, Proto.PillarToPostDetected detected, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (detected.CoordinatorOrganizationId.Length == 0 || detected.CoordinatorMemberId.Length == 0)
        {
            return;
        }

        Proto.CheckSupportConsentResponse facts;
        try
        {
            facts = await cases.CheckAsync(detected.CoordinatorOrganizationId, detected.CoordinatorMemberId, detected.ServiceUserId, detected.NeedId, cancellationToken);
        }
        catch (NotFoundException)
        {
            return;
        }

        if (!facts.Granted)
        {
            return;
        }

        var now = time.GetUtcNow();
        var fits = await db.RankAsync(facts.ToSupportRequest([(LifeDomain)detected.LifeDomain]), languageRequired: false, now, options.Value.Policy, exclude: null, cancellationToken);
        db.AddEvent(new Proto.SpannersProposed
        {
            NeedId = detected.NeedId,
            ServiceUserId = facts.ServiceUserId,
            ChainId = detected.ChainId,
            CoordinatorMemberId = detected.CoordinatorMemberId,
            CoordinatorOrganizationId = detected.CoordinatorOrganizationId,
            Spanners =
            {
                fits.Take(options.Value.ProposalSize).Select(fit => new Proto.ProposedSpanner
                {
                    SpannerId = fit.Spanner.Id,
                    DisplayName = fit.Spanner.DisplayName,
                    Kind = (Proto.SpannerKind)fit.Spanner.Kind,
                    OrganizationId = fit.Spanner.OrganizationId,
                    SharedLanguages = { fit.SharedLanguages },
                    RankingReason = fit.Reason(facts.Neighbourhood),
                }),
            },
            Version = detected.Version,
        }, now);
    }
}
