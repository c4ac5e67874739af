using System.ComponentModel.DataAnnotations;

namespace ReferralNet.Platform.Messaging;

/// <summary>Configuration section <c>ReferralNet:Outbox</c>: how every service's dispatcher publishes its outbox.</summary>
public sealed class OutboxOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Outbox";

    /// <summary>
    /// Attempts before an event is dead-lettered. Failures back off (doubling up to five minutes), so the default of
    /// 30 rides out about two hours of a broken subscriber or broker before it gives up.
    /// </summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 30;

    /// <summary>
    /// How long a dispatcher owns the rows it claimed. When its host dies, another dispatcher takes the rows over
    /// after this. It must exceed <see cref="PublishBudget"/>: a dispatcher starts no publish it could not finish
    /// inside its lease.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one try to hand an event to the bus may take; a publish tries three times.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Rows one claim takes at most.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How often an idle dispatcher looks for rows that no commit of its own process announced.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries after a failed try, within one publish (short blips; longer outages back off in the table).</summary>
    internal const int PublishRetries = 2;

    /// <summary>The first retry's delay; it doubles.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest one publish can take: every try timing out, plus the delays between them.</summary>
    public TimeSpan PublishBudget => PublishTimeout * (PublishRetries + 1) + RetryDelay * ((1 << PublishRetries) - 1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublishTimeout <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("PublishTimeout and PollInterval must be positive.", [nameof(PublishTimeout), nameof(PollInterval)]);
        }

        if (LeaseDuration <= PublishBudget)
        {
            yield return new ValidationResult($"LeaseDuration must exceed one publish with its retries ({PublishBudget}).", [nameof(LeaseDuration)]);
        }
    }
}
