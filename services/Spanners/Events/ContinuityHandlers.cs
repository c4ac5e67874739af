using ReferralNet.Platform.Api;
using ReferralNet.Platform.Messaging;
using ReferralNet.Spanners.Data;
using ReferralNet.Spanners.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Spanners.Events;

/// <summary>
/// Keeps the continuity read model from events: where service users live (the cases service's registrations and moves),
/// the constant-contact spells (this service's own assignments, through the same events the cases service reads), and
/// the professionals who left care teams. Each event applies once (the inbox); spells and departures are keyed by their
/// assignment or involvement, residents follow the newest version.
/// </summary>
public sealed class ContinuityHandlers :
    IIntegrationEventHandler<SpannersDbContext, Proto.ServiceUserRegistered>,
    IIntegrationEventHandler<SpannersDbContext, Proto.ServiceUserMoved>,
    IIntegrationEventHandler<SpannersDbContext, Proto.SpannerAssigned>,
    IIntegrationEventHandler<SpannersDbContext, Proto.SpannerAssignmentEnded>,
    IIntegrationEventHandler<SpannersDbContext, Proto.SpannerSucceeded>,
    IIntegrationEventHandler<SpannersDbContext, Proto.ProfessionalInvolvementChanged>
{
    /// <inheritdoc />
    public Task HandleAsync(SpannersDbContext db, Proto.ServiceUserRegistered registered, EventMetadata metadata, CancellationToken cancellationToken) =>
        LivesInAsync(db, registered.ServiceUserId, registered.Neighbourhood, registered.Version, cancellationToken);

    /// <inheritdoc />
    public Task HandleAsync(SpannersDbContext db, Proto.ServiceUserMoved moved, EventMetadata metadata, CancellationToken cancellationToken) =>
        LivesInAsync(db, moved.ServiceUserId, moved.ToNeighbourhood, moved.Version, cancellationToken);

    /// <inheritdoc />
    public async Task HandleAsync(SpannersDbContext db, Proto.SpannerAssigned assigned, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (assigned.ConstantContact && await db.ContactSpells.FindAsync([assigned.AssignmentId], cancellationToken) is null)
        {
            db.ContactSpells.Add(new ContactSpell(assigned.AssignmentId, assigned.ServiceUserId, assigned.SpannerId, assigned.StartTime?.ToInstant() ?? metadata.OccurredAt));
        }
    }

    /// <inheritdoc />
    public async Task HandleAsync(SpannersDbContext db, Proto.SpannerAssignmentEnded ended, EventMetadata metadata, CancellationToken cancellationToken) =>
        (await db.ContactSpells.FindAsync([ended.AssignmentId], cancellationToken))?.End(ended.EndTime?.ToInstant() ?? metadata.OccurredAt);

    /// <inheritdoc />
    public async Task HandleAsync(SpannersDbContext db, Proto.SpannerSucceeded succeeded, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (succeeded.Basis != Proto.SuccessionBasis.None)
        {
            (await db.ContactSpells.FindAsync([succeeded.PreviousAssignmentId], cancellationToken))?.AwaitSuccessor(metadata.OccurredAt);
        }
    }

    /// <inheritdoc />
    public async Task HandleAsync(SpannersDbContext db, Proto.ProfessionalInvolvementChanged changed, EventMetadata metadata, CancellationToken cancellationToken)
    {
        if (!changed.Joined && await db.ProfessionalDepartures.FindAsync([changed.InvolvementId], cancellationToken) is null)
        {
            db.ProfessionalDepartures.Add(new ProfessionalDeparture(changed.InvolvementId, changed.ServiceUserId, changed.ChangeTime?.ToInstant() ?? metadata.OccurredAt));
        }
    }

    private static async Task LivesInAsync(SpannersDbContext db, string serviceUserId, string neighbourhood, long version, CancellationToken cancellationToken)
    {
        var resident = await db.Residents.FindAsync([serviceUserId], cancellationToken);
        if (resident is null)
        {
            resident = new Resident(serviceUserId);
            db.Residents.Add(resident);
        }

        resident.LivesIn(neighbourhood, version);
    }
}
