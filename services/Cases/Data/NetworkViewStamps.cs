using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Persistence;

namespace ReferralNet.Cases.Data;

/// <summary>
/// The version of what a service user's network view is built from (the record, its consents, emergency accesses and
/// household links, the open case with its goals, needs, involvements, referrals and timeline): a new random stamp in the transaction of every change to any of them, so any
/// process on the database can tell with one read by key whether the view it keeps in memory is current.
/// </summary>
public sealed class NetworkViewStamp
{
    private NetworkViewStamp()
    {
    }

    internal NetworkViewStamp(string serviceUserId)
    {
        ServiceUserId = serviceUserId;
        Stamp = Guid.NewGuid();
    }

    /// <summary>The service user whose view it versions.</summary>
    public string ServiceUserId { get; private init; } = "";

    /// <summary>A new random value on every change; equal stamps mean an equal view.</summary>
    public Guid Stamp { get; private set; }

    internal void Renew() => Stamp = Guid.NewGuid();

    internal sealed class Configuration : IEntityTypeConfiguration<NetworkViewStamp>
    {
        public void Configure(EntityTypeBuilder<NetworkViewStamp> builder)
        {
            builder.ToTable("network_view_stamps");
            builder.HasKey(s => s.ServiceUserId);
            builder.Property(s => s.ServiceUserId).HasMaxLength(36);
        }
    }
}

/// <summary>
/// Renews the <see cref="NetworkViewStamp"/> of every service user whose view a save changes, inside that save: an
/// interceptor rather than a call in each path (endpoints, event handlers, sweeps, merges), so no change can miss it. A
/// change that moves a row to another service user (a merge) renews both. Bulk statements (ExecuteUpdate, raw SQL) bypass
/// it and must not change what a view is built from.
/// </summary>
public sealed class NetworkViewStamps : SaveChangesInterceptor
{
    private const string ServiceUserIdProperty = nameof(Need.ServiceUserId);

    // Compiled: every save of this service asks it.
    private static readonly CompiledPerModel<Func<CasesDbContext, string[], IEnumerable<NetworkViewStamp>>> StampsOf = new(() =>
        EF.CompileQuery((CasesDbContext db, string[] ids) => db.Set<NetworkViewStamp>().Where(s => ids.Contains(s.ServiceUserId))));

    private static readonly CompiledPerModel<Func<CasesDbContext, string[], IAsyncEnumerable<NetworkViewStamp>>> StampsOfAsync = new(() =>
        EF.CompileAsyncQuery((CasesDbContext db, string[] ids) => db.Set<NetworkViewStamp>().Where(s => ids.Contains(s.ServiceUserId))));

    /// <inheritdoc />
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is CasesDbContext db && Changed(db) is { Count: > 0 } changed)
        {
            Renew([.. StampsOf.For(db)(db, [.. changed])]);
        }

        return result;
    }

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is CasesDbContext db && Changed(db) is { Count: > 0 } changed)
        {
            Renew(await StampsOfAsync.For(db)(db, [.. changed]).ToListAsync(cancellationToken));
        }

        return result;
    }

    // The service users whose view the pending changes touch; those registered in this save get their first stamp here.
    private static HashSet<string> Changed(CasesDbContext db)
    {
        db.ChangeTracker.DetectChanges();
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var registered = new List<string>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case ServiceUser user when entry.State == EntityState.Added:
                    registered.Add(user.Id);
                    break;
                case ServiceUser user:
                    changed.Add(user.Id);
                    break;
                case Goal goal:
                    // A goal changes only with its case, which is tracked with it.
                    if (db.ChangeTracker.Entries<Case>().FirstOrDefault(c => c.Entity.Id == goal.CaseId) is { } owner)
                    {
                        AddOwners(owner, changed);
                    }

                    break;
                case Case or Need or Involvement or ReferralView or TimelineEntry or Consent or EmergencyAccess or HouseholdLink:
                    AddOwners(entry, changed);
                    break;
            }
        }

        // A service user registered in this save gets its first stamp, which is new already.
        var stamped = db.ChangeTracker.Entries<NetworkViewStamp>().Where(s => s.State == EntityState.Added).Select(s => s.Entity.ServiceUserId).ToHashSet(StringComparer.Ordinal);
        foreach (var id in registered.Where(stamped.Add))
        {
            db.Add(new NetworkViewStamp(id));
        }

        changed.ExceptWith(stamped);
        return changed;
    }

    private static void AddOwners(EntityEntry entry, HashSet<string> changed)
    {
        var owner = entry.Property(ServiceUserIdProperty);
        changed.Add((string)owner.CurrentValue!);
        if (entry.State == EntityState.Modified && owner.IsModified)
        {
            changed.Add((string)owner.OriginalValue!);
        }
    }

    // Only service users known here have a stamp: a row about an unknown one (an event that arrived before its service
    // user, or about one that never reached this service) changes no view that could be kept.
    private static void Renew(List<NetworkViewStamp> stamps)
    {
        foreach (var stamp in stamps)
        {
            stamp.Renew();
        }
    }
}
