namespace ReferralNet.Spanners.Domain;

/// <summary>Where a service user lives, as the cases service last said (its events carry the neighbourhood, never the person).</summary>
public sealed class Resident
{
    private Resident()
    {
    }

    /// <summary>A service user first heard of.</summary>
    public Resident(string serviceUserId) => ServiceUserId = serviceUserId;

    /// <summary>The service user.</summary>
    public string ServiceUserId { get; private init; } = "";

    /// <summary>The neighbourhood code.</summary>
    public string Neighbourhood { get; private set; } = "";

    /// <summary>The version of the service user this came from.</summary>
    public long Version { get; private set; }

    /// <summary>Takes the neighbourhood of a newer version; an older one that arrives late changes nothing.</summary>
    public void LivesIn(string neighbourhood, long version)
    {
        if (version > Version)
        {
            Neighbourhood = neighbourhood;
            Version = version;
        }
    }
}

/// <summary>One spanner's time as a service user's constant contact, kept from the assignments' events.</summary>
public sealed class ContactSpell
{
    private ContactSpell()
    {
    }

    /// <summary>A spell that started at <paramref name="start"/>.</summary>
    public ContactSpell(string assignmentId, string serviceUserId, string spannerId, DateTimeOffset start)
    {
        AssignmentId = assignmentId;
        ServiceUserId = serviceUserId;
        SpannerId = spannerId;
        StartAt = start;
    }

    /// <summary>The assignment.</summary>
    public string AssignmentId { get; private init; } = "";

    /// <summary>The service user.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>The spanner.</summary>
    public string SpannerId { get; private init; } = "";

    /// <summary>When the spanner became the constant contact.</summary>
    public DateTimeOffset StartAt { get; private init; }

    /// <summary>When it stopped being it.</summary>
    public DateTimeOffset? EndAt { get; private set; }

    /// <summary>Since when a successor is sought (the spanner stopped).</summary>
    public DateTimeOffset? HandoverSince { get; private set; }

    /// <summary>The spell ended.</summary>
    public void End(DateTimeOffset at) => EndAt ??= at;

    /// <summary>A successor was proposed.</summary>
    public void AwaitSuccessor(DateTimeOffset since) => HandoverSince ??= since;

    /// <summary>Follows a merge of the service user's record into <paramref name="survivorId"/>.</summary>
    public void MoveTo(string survivorId) => ServiceUserId = survivorId;
}

/// <summary>A professional who left a service user's care team, kept from the cases service's events.</summary>
public sealed class ProfessionalDeparture
{
    private ProfessionalDeparture()
    {
    }

    /// <summary>The involvement that ended at <paramref name="at"/>.</summary>
    public ProfessionalDeparture(string involvementId, string serviceUserId, DateTimeOffset at)
    {
        InvolvementId = involvementId;
        ServiceUserId = serviceUserId;
        At = at;
    }

    /// <summary>The professional's involvement.</summary>
    public string InvolvementId { get; private init; } = "";

    /// <summary>The service user.</summary>
    public string ServiceUserId { get; private set; } = "";

    /// <summary>When the professional left.</summary>
    public DateTimeOffset At { get; private init; }

    /// <summary>Follows a merge of the service user's record into <paramref name="survivorId"/>.</summary>
    public void MoveTo(string survivorId) => ServiceUserId = survivorId;
}

/// <summary>The continuity figures of one neighbourhood over one period.</summary>
public sealed record ContinuityFigures(
    int ServiceUsers, int WithContact, int SameThroughout, int ProfessionalChanges, TimeSpan MedianTenure, double SpannersPerHundred, int OpenHandovers, int GapDays, int WithGap)
{
    /// <summary>
    /// The figures for the <paramref name="residents"/> of a neighbourhood from their constant-contact spells and the
    /// professionals who left their care teams. Only service users who had a constant contact in the period count: the
    /// report is about whether that contact stayed.
    /// </summary>
    public static ContinuityFigures Of(int residents, IEnumerable<ContactSpell> spells, IEnumerable<ProfessionalDeparture> departures, DateTimeOffset from, DateTimeOffset to)
    {
        var overlapping = spells.Where(s => s.StartAt < to && (s.EndAt ?? DateTimeOffset.MaxValue) > from).ToList();
        var byUser = overlapping.GroupBy(s => s.ServiceUserId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartAt).ToList());
        var same = byUser.Values.Count(list => list is [var only] && only.StartAt <= from && (only.EndAt ?? DateTimeOffset.MaxValue) >= to);
        var tenures = byUser.Values.Select(list => Min(list[^1].EndAt ?? to, to) - list[^1].StartAt).Order().ToList();
        var gaps = byUser.Values.Select(list => GapOf(list, from, to)).ToList();
        var changes = departures.Count(d => byUser.ContainsKey(d.ServiceUserId) && d.At >= from && d.At < to);
        var handovers = overlapping.Count(s => s.HandoverSince is { } since && since <= to && (s.EndAt ?? DateTimeOffset.MaxValue) > to);
        var spanners = overlapping.Select(s => s.SpannerId).Distinct().Count();
        return new ContinuityFigures(
            residents, byUser.Count, same, changes, tenures.Count == 0 ? TimeSpan.Zero : Median(tenures),
            residents == 0 ? 0 : Math.Round(100.0 * spanners / residents, 2), handovers, gaps.Sum(g => (int)g.TotalDays), gaps.Count(g => g.TotalDays >= 1));
    }

    /// <summary>The time, within the period, between the first spell's start and the period's end that no spell covers.</summary>
    private static TimeSpan GapOf(List<ContactSpell> spells, DateTimeOffset from, DateTimeOffset to)
    {
        var gap = TimeSpan.Zero;
        var coveredUntil = Max(spells[0].StartAt, from);
        foreach (var spell in spells)
        {
            var start = Max(spell.StartAt, from);
            if (start > coveredUntil)
            {
                gap += start - coveredUntil;
            }

            coveredUntil = Max(coveredUntil, Min(spell.EndAt ?? to, to));
        }

        return gap + (to > coveredUntil ? to - coveredUntil : TimeSpan.Zero);
    }

    private static TimeSpan Median(List<TimeSpan> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
