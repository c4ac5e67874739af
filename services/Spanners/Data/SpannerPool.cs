using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Domain;
using ReferralNet.Spanners.Domain;

namespace ReferralNet.Spanners.Data;

/// <summary>The service user a spanner is sought for, as the cases service describes them.</summary>
public sealed record SupportRequest(string ServiceUserId, IReadOnlyList<string> Languages, string Neighbourhood, IReadOnlyList<string> HouseholdServiceUserIds, IReadOnlyList<LifeDomain> Domains);

/// <summary>The spanners who could take someone on, read for the domain's matching rules.</summary>
public static class SpannerPool
{
    /// <summary>
    /// The spanners who fit <paramref name="request"/>, best first (<see cref="SpannerMatching"/>): the active ones, without
    /// <paramref name="exclude"/> and those already assigned or proposed to the service user.
    /// </summary>
    public static async Task<List<SpannerFit>> RankAsync(
        this SpannersDbContext db, SupportRequest request, bool languageRequired, DateTimeOffset now, SpannerPolicy policy, string? exclude, CancellationToken cancellationToken)
    {
        var household = request.HouseholdServiceUserIds.ToList();
        var known = (await db.Assignments.AsNoTracking().Where(a => household.Contains(a.ServiceUserId)).Select(a => a.SpannerId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var active = await db.Spanners.AsNoTracking().Where(s => s.Status == SpannerStatus.Active && !s.BurdenFlagged && s.Id != exclude).ToListAsync(cancellationToken);
        var held = await db.HeldPlacesAsync([.. active.Select(s => s.Id)], cancellationToken);
        var serviceUserId = request.ServiceUserId;
        var alreadyThere = (await db.Assignments.AsNoTracking().Where(a => a.ServiceUserId == serviceUserId && a.Status != AssignmentStatus.Ended)
            .Select(a => a.SpannerId).ToListAsync(cancellationToken)).ToHashSet();
        return SpannerMatching.Rank(
            new SupportSeeker(request.Languages, request.Neighbourhood, request.Domains, known),
            active.Where(s => !alreadyThere.Contains(s.Id)).Select(s => new SpannerCandidate(s, held.GetValueOrDefault(s.Id))),
            languageRequired, DateOnly.FromDateTime(now.UtcDateTime), policy);
    }

    /// <summary>How many places each spanner's open (proposed or active) assignments hold.</summary>
    public static async Task<Dictionary<string, int>> HeldPlacesAsync(this SpannersDbContext db, List<string> spannerIds, CancellationToken cancellationToken) =>
        await db.Assignments.AsNoTracking()
            .Where(a => spannerIds.Contains(a.SpannerId) && a.Status != AssignmentStatus.Ended)
            .GroupBy(a => a.SpannerId)
            .Select(g => new { SpannerId = g.Key, Held = g.Count() })
            .ToDictionaryAsync(g => g.SpannerId, g => g.Held, cancellationToken);
}
