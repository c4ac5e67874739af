using ReferralNet.Platform.Domain;

namespace ReferralNet.Spanners.Domain;

/// <summary>How heavy a spanner's support weighs on them, as they said at a check-in.</summary>
public sealed class BurdenCheckIn : VersionedEntity
{
    private BurdenCheckIn()
    {
    }

    /// <summary>A check-in of <paramref name="spanner"/>, recorded by <paramref name="memberId"/>; it moves the spanner's burden.</summary>
    public BurdenCheckIn(BoundarySpanner spanner, int score, string note, string memberId, DateTimeOffset now, SpannerPolicy policy)
        : base(now)
    {
        SpannerId = spanner.Id;
        Score = score;
        Note = note;
        RecordedByMemberId = memberId;
        RaisedFlag = spanner.CheckIn(score, now, policy);
        Flagged = spanner.BurdenFlagged;
    }

    /// <summary>The spanner.</summary>
    public string SpannerId { get; private init; } = "";

    /// <summary>0 (none) to 10 (unbearable).</summary>
    public int Score { get; private init; }

    /// <summary>What the spanner said.</summary>
    public string Note { get; private init; } = "";

    /// <summary>True when the score reached the threshold.</summary>
    public bool Flagged { get; private init; }

    /// <summary>True when this check-in raised the flag (the one before did not).</summary>
    public bool RaisedFlag { get; private init; }

    /// <summary>The member who recorded it.</summary>
    public string RecordedByMemberId { get; private init; } = "";
}
