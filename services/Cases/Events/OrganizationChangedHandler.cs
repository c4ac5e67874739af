using ReferralNet.Cases.Data;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Messaging;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases.Events;

/// <summary>Keeps <see cref="KnownOrganization"/> current; an older event than the one applied changes nothing.</summary>
public sealed class OrganizationChangedHandler : IIntegrationEventHandler<CasesDbContext, Proto.OrganizationChanged>
{
    /// <inheritdoc />
    public async Task HandleAsync(CasesDbContext db, Proto.OrganizationChanged integrationEvent, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (integrationEvent.Organization is not { } organization)
        {
            return;
        }

        var kind = (OrganizationKind)organization.Kind;
        if (await db.KnownOrganizations.FindAsync([organization.Id], cancellationToken) is { } known)
        {
            known.Apply(organization.Name, kind, organization.Active, [.. organization.Neighbourhoods], integrationEvent.Version);
        }
        else
        {
            db.KnownOrganizations.Add(new KnownOrganization(organization.Id, organization.Name, kind, organization.Active, [.. organization.Neighbourhoods], integrationEvent.Version));
        }
    }
}
