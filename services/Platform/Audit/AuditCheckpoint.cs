using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReferralNet.Platform.Secrets;

namespace ReferralNet.Platform.Audit;

/// <summary>
/// A signed statement that the trail reached <see cref="Sequence"/> with <see cref="HeadMac"/> at <see cref="TakenAt"/>.
/// Deleting the newest records leaves a chain that is intact in itself; a checkpoint past its end shows the cut. Each
/// checkpoint is also written to the log as a token, so a copy survives outside the database: an attacker who deletes
/// records and checkpoints alike is caught by the logged token (<c>verify-audit --checkpoint</c>).
/// </summary>
public sealed class AuditCheckpoint
{
    /// <summary>The sequence of the newest record when the checkpoint was taken; the primary key.</summary>
    public long Sequence { get; init; }

    /// <summary>That record's MAC.</summary>
    public required string HeadMac { get; init; }

    /// <summary>When the checkpoint was taken.</summary>
    public DateTimeOffset TakenAt { get; init; }

    /// <summary>The id of the key that signed it.</summary>
    public required string KeyId { get; init; }

    /// <summary>HMAC-SHA256 over the other fields, with a purpose prefix that no audit record shares.</summary>
    public string Signature { get; private set; } = "";

    /// <summary>A checkpoint of <paramref name="head"/>, signed with the ring's current key.</summary>
    public static AuditCheckpoint Sign(ChainHead head, DateTimeOffset takenAt, KeyRing keys)
    {
        var checkpoint = new AuditCheckpoint
        {
            Sequence = head.Sequence,
            HeadMac = head.Mac,
            TakenAt = Persistence.Instants.AtStoragePrecision(takenAt),
            KeyId = keys.CurrentId,
        };
        checkpoint.Signature = checkpoint.ComputeSignature(keys.Current);
        return checkpoint;
    }

    /// <summary>True when the signature is the one the ring's key with <see cref="KeyId"/> gives.</summary>
    public bool IsAuthentic(KeyRing keys) => keys.Find(KeyId) is { } key && Signature == ComputeSignature(key);

    /// <summary>The checkpoint as one log-friendly token: <c>sequence.headMac.takenAtTicks.keyId.signature</c>.</summary>
    public string ToToken() =>
        string.Join('.', Sequence.ToString(CultureInfo.InvariantCulture), HeadMac, TakenAt.UtcTicks.ToString(CultureInfo.InvariantCulture), KeyId, Signature);

    /// <summary>Reads a token written by <see cref="ToToken"/>; null when it is malformed.</summary>
    public static AuditCheckpoint? FromToken(string token)
    {
        var parts = token.Trim().Split('.');
        if (parts.Length != 5
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return null;
        }

        return new AuditCheckpoint
        {
            Sequence = sequence,
            HeadMac = parts[1],
            TakenAt = new DateTimeOffset(ticks, TimeSpan.Zero),
            KeyId = parts[3],
            Signature = parts[4],
        };
    }

    private string ComputeSignature(byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(
            $"referralnet-audit-checkpoint;{Sequence.ToString(CultureInfo.InvariantCulture)};{HeadMac};{TakenAt.UtcTicks.ToString(CultureInfo.InvariantCulture)};{KeyId}")));

    internal sealed class Configuration : IEntityTypeConfiguration<AuditCheckpoint>
    {
        public void Configure(EntityTypeBuilder<AuditCheckpoint> builder)
        {
            builder.ToTable("audit_checkpoints");
            builder.HasKey(x => x.Sequence);
            builder.Property(x => x.Sequence).ValueGeneratedNever();
            builder.Property(x => x.HeadMac).HasMaxLength(64);
            builder.Property(x => x.KeyId).HasMaxLength(12);
            builder.Property(x => x.Signature).HasMaxLength(64);
        }
    }
}
