using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Messaging;
using ReferralNet.Spanners.Data;
using ReferralNet.Spanners.Domain;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Spanners.Events;

/// <summary>
/// Follows the cases service's merge of two records of one person: the merged record's assignments, contact spells and
/// professional departures move to the record kept, so a coordinator sees one history and the one-constant-contact rule
/// holds for the person. An open assignment in a slot the kept record holds already ends (its end is published); the
/// kept record's own assignment stays.
/// </summary>
public sealed class ServiceUserMerges(TimeProvider time) : IIntegrationEventHandler<SpannersDbContext, Proto.ServiceUsersMerged>
{
    /// <inheritdoc />
    public async Task HandleAsync(SpannersDbContext db, Proto.ServiceUsersMerged merged, EventMetadata metadata, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (survivorId, mergedId) = (merged.ServiceUserId, merged.MergedServiceUserId);
        var survivorSlots = (await db.Assignments.Where(a => a.ServiceUserId == survivorId && a.OpenSlot != null).Select(a => a.OpenSlot!).ToListAsync(cancellationToken)).ToHashSet();
        foreach (var assignment in await db.Assignments.Where(a => a.ServiceUserId == mergedId).OrderBy(a => a.Id).ToListAsync(cancellationToken))
        {
            if (assignment.MoveTo(survivorId, survivorSlots, now))
            {
                db.AddEvent(assignment.EndedEvent(), now);
            }
        }

        foreach (var spell in await db.ContactSpells.Where(s => s.ServiceUserId == mergedId).ToListAsync(cancellationToken))
        {
            spell.MoveTo(survivorId);
        }

        foreach (var departure in await db.ProfessionalDepartures.Where(d => d.ServiceUserId == mergedId).ToListAsync(cancellationToken))
        {
            departure.MoveTo(survivorId);
        }

        // The person lives where the kept record says; the merged record no longer counts as a resident of its own.
        if (await db.Residents.FindAsync([survivorId], cancellationToken) is not null && await db.Residents.FindAsync([mergedId], cancellationToken) is { } duplicate)
        {
            db.Residents.Remove(duplicate);
        }
    }
}
