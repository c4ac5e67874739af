using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Domain;

namespace ReferralNet.Cases.Data;

/// <summary>The involvements the service keeps itself, changed in the same transaction as what they follow.</summary>
public static class CareTeam
{
    /// <summary>
    /// Makes the case's coordinator involvement follow the case: one active for its coordinator while it is open, handed
    /// over when the coordinator changes, ended when it closes.
    /// </summary>
    public static async Task SyncCoordinatorAsync(this CasesDbContext db, Case followed, string handoverNote, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await db.Involvements.Where(i => i.CaseId == followed.Id && i.Role == InvolvementRole.Coordinator && i.EndAt == null)
            .FirstOrDefaultAsync(cancellationToken);
        if (followed.Status == CaseStatus.Closed)
        {
            current?.End(InvolvementEndReason.Completed, now, now);
        }
        else if (current is null)
        {
            db.Involvements.Add(CoordinatorOf(followed, now));
        }
        else if (current.MemberId != followed.CoordinatorMemberId)
        {
            db.Involvements.Add(current.HandOverTo(followed.CoordinatorMemberId, handoverNote, new InvolvementSource(followed.Id), now));
        }
    }

    /// <summary>The coordinator involvement of a newly opened case.</summary>
    public static Involvement CoordinatorOf(Case opened, DateTimeOffset now) => new(
        opened.ServiceUserId,
        new InvolvementSpec(opened.CoordinatorOrganizationId, opened.CoordinatorMemberId, null, "", InvolvementRole.Coordinator, "Coordinates the case", null),
        new InvolvementSource(opened.Id),
        now,
        now);

    /// <summary>
    /// Ends the active involvements with the service user of every organization no consent covers any more (after a
    /// revocation or an expiry, <paramref name="reason"/>: of that organization, or of every organization of the kind it
    /// was given to).
    /// </summary>
    public static async Task EndUncoveredAsync(
        this CasesDbContext db, string serviceUserId, DateTimeOffset now, CancellationToken cancellationToken, InvolvementEndReason reason = InvolvementEndReason.ConsentRevoked)
    {
        var active = await db.Involvements.Where(i => i.ServiceUserId == serviceUserId && i.SpannerId == null)
            .Where(Involvement.ActiveAt(now)).ToListAsync(cancellationToken);
        foreach (var organization in active.Select(i => i.OrganizationId).Distinct())
        {
            var kind = await db.KnownOrganizations.Where(o => o.Id == organization).Select(o => (Platform.Domain.OrganizationKind?)o.Kind).FirstOrDefaultAsync(cancellationToken);
            if (!await db.Consents.Where(Consent.GrantsAt(organization, kind, now)).AnyAsync(c => c.ServiceUserId == serviceUserId, cancellationToken))
            {
                foreach (var involvement in active.Where(i => i.OrganizationId == organization))
                {
                    involvement.End(reason, now, now);
                    db.CareTeamChanged(involvement, joined: false, now);
                }
            }
        }
    }
}
