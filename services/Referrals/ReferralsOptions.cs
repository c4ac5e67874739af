using ReferralNet.Referrals.Domain;

namespace ReferralNet.Referrals;

/// <summary>Settings of the referrals service (<c>ReferralNet:Referrals</c>).</summary>
public sealed class ReferralsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Referrals";

    /// <summary>The thresholds of pillar-to-post detection.</summary>
    public PillarToPostThresholds PillarToPost { get; set; } = new();

    /// <summary>How often the deadline job looks for overdue referrals and chains gone too long without acceptance.</summary>
    public TimeSpan DeadlineScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many overdue referrals or chains one scan handles before it looks again.</summary>
    public int DeadlineBatchSize { get; set; } = 100;

    /// <summary>How long the inbox change feed is kept: a stream resuming from an older position gets OUT_OF_RANGE.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the feed looks for other replicas' changes (this process's own wake it at once).</summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the feed waits for a position that may still be committing before it passes it.</summary>
    public TimeSpan FeedGapWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many changes a stream may leave unread before it is ended (to resume) rather than slow the feed.</summary>
    public int StreamBuffer { get; set; } = 256;

    /// <summary>How long a stream stays silent before a heartbeat.</summary>
    public TimeSpan StreamHeartbeat { get; set; } = TimeSpan.FromSeconds(15);
}
