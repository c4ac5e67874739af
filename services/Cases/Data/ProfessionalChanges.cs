using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Api;
using Proto = ReferralNet.Contracts.V1;

namespace ReferralNet.Cases.Data;

/// <summary>
/// Publishes ProfessionalInvolvementChanged whenever a professional joins a care team or leaves one, in the transaction
/// of that change: an interceptor of every save rather than a call in each path (handovers, coordinator changes, consent
/// revocations, ends), so no way an involvement starts or ends can miss it. The spanners service counts from these
/// how many professionals a service user saw come and go while the constant contact stayed.
/// </summary>
public sealed class ProfessionalChanges : SaveChangesInterceptor
{
    /// <inheritdoc />
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Publish(eventData.Context);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Publish(DbContext? context)
    {
        if (context is not CasesDbContext db)
        {
            return;
        }

        db.ChangeTracker.DetectChanges();
        var changes = db.ChangeTracker.Entries<Involvement>()
            .Where(e => e.Entity.MemberId is not null)
            .Select(e => e.State switch
            {
                EntityState.Added => (e.Entity, Joined: true, At: e.Entity.StartAt),
                EntityState.Modified when e.Entity.EndAt is { } end && e.Property(i => i.EndAt).OriginalValue is null => (e.Entity, Joined: false, At: end),
                _ => default,
            })
            .Where(change => change.Entity is not null)
            .ToList();
        foreach (var (involvement, joined, at) in changes)
        {
            db.AddEvent(new Proto.ProfessionalInvolvementChanged
            {
                InvolvementId = involvement.Id,
                ServiceUserId = involvement.ServiceUserId,
                OrganizationId = involvement.OrganizationId,
                Joined = joined,
                ChangeTime = at.ToProtoTimestamp(),
                Version = involvement.Version,
            }, at);
        }
    }
}
