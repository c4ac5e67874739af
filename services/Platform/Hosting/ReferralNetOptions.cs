namespace ReferralNet.Platform.Hosting;

/// <summary>Configuration section <c>ReferralNet</c>: the shape of this process.</summary>
public sealed class ReferralNetOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet";

    /// <summary>
    /// The services this process runs (organizations, cases, referrals, spanners); empty means all of them
    /// (embedded shape). In Kubernetes each Deployment names one, e.g. <c>ReferralNet__Services__0=organizations</c>.
    /// </summary>
    public List<string> Services { get; set; } = [];

    /// <summary>Seed the demo data of The Hague on first start (embedded shape only).</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>
    /// With <see cref="SeedDemoData"/> in the embedded shape, also seed the demo's referral chains through the public API
    /// once the host listens. On by default; hosts that need the demo directory without referrals turn it off.
    /// </summary>
    public bool SeedDemoReferrals { get; set; } = true;

    /// <summary>Largest request message accepted, in bytes; larger ones get RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = 1024 * 1024;

    /// <summary>True when this process runs <paramref name="service"/>.</summary>
    public bool Runs(string service) =>
        Services.Count == 0 || Services.Contains(service, StringComparer.OrdinalIgnoreCase);
}
