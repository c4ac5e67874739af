using ReferralNet.Spanners.Domain;

namespace ReferralNet.Spanners;

/// <summary>Settings of the spanners service (<c>ReferralNet:Spanners</c>).</summary>
public sealed class SpannersOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Spanners";

    /// <summary>A check-in's burden at or above this flags the spanner (0 to 10).</summary>
    public int BurdenThreshold { get; set; } = SpannerPolicy.Default.BurdenThreshold;

    /// <summary>A spanner without a check-in for this long is overdue.</summary>
    public TimeSpan CheckInPeriod { get; set; } = SpannerPolicy.Default.CheckInPeriod;

    /// <summary>How many years a certificate of conduct (VOG) counts for matching and assigning.</summary>
    public int CertificateValidYears { get; set; } = SpannerPolicy.Default.CertificateValidYears;

    /// <summary>How many spanners a proposal for a need at risk of pillar-to-post names.</summary>
    public int ProposalSize { get; set; } = 3;

    /// <summary>The rules as the domain takes them.</summary>
    public SpannerPolicy Policy => new(BurdenThreshold, CheckInPeriod, CertificateValidYears);
}
