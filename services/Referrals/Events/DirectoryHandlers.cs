using ReferralNet.Platform.Messaging;
using ReferralNet.Referrals.Api;
using ReferralNet.Referrals.Data;
using ReferralNet.Referrals.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Referrals.Events;

/// <summary>Keeps this service's copy of the directory's services from their ServiceChanged events, newest version only.</summary>
public sealed class ServiceChangedHandler : IIntegrationEventHandler<ReferralsDbContext, Proto.ServiceChanged>
{
    /// <inheritdoc />
    public async Task HandleAsync(ReferralsDbContext db, Proto.ServiceChanged changed, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (changed.Service is not { } service)
        {
            return;
        }

        var known = await db.Services.FindAsync([service.Id], cancellationToken);
        if (known is null)
        {
            known = new KnownService(service.Id, service.OrganizationId, 0);
            db.Services.Add(known);
        }

        known.Apply(changed.Version, service.ToTerms());
    }
}
