namespace ReferralNet.Cases.Domain;

/// <summary>
/// How far the events of one outside source (a referral, a spanner assignment) have been applied, so that a redelivered
/// or late event changes nothing: events arrive at least once and in any order.
/// </summary>
public sealed class SourceState
{
    private SourceState()
    {
    }

    /// <summary>The state of a source none of whose events was applied yet.</summary>
    public SourceState(string key) => Key = key;

    /// <summary>
    /// "referral:&lt;id&gt;", "assignment:&lt;id&gt;", "spanner:&lt;id&gt;" (its stop), "succession:&lt;assignment id&gt;" (the
    /// handover of a stopped spanner's assignment), "need-risk:&lt;need id&gt;" (its pillar-to-post findings) or
    /// "consent-expiry" (how far the expiry sweep got, as UTC ticks in <see cref="Version"/>).
    /// </summary>
    public string Key { get; private init; } = "";

    /// <summary>The newest version applied (0 when the source has no versions).</summary>
    public long Version { get; private set; }

    /// <summary>Whether the source has ended; nothing of it starts again after that.</summary>
    public bool Ended { get; private set; }

    /// <summary>Whether an event of <paramref name="version"/> is newer than what was applied; if so it counts as applied.</summary>
    public bool Accepts(long version, bool ends)
    {
        if (Ended || (version > 0 && version <= Version))
        {
            return false;
        }

        Version = Math.Max(Version, version);
        Ended = ends;
        return true;
    }
}
