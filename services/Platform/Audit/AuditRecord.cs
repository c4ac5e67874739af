using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReferralNet.Platform.Secrets;
using ReferralNet.Platform.Domain;

namespace ReferralNet.Platform.Audit;

/// <summary>Whether a call read or changed data.</summary>
public enum AuditKind
{
    /// <summary>The call read data.</summary>
    Read = 1,

    /// <summary>The call changed data.</summary>
    Change = 2,
}

/// <summary>What a call wants recorded, before the chain assigns its place.</summary>
/// <param name="OccurredAt">When the call was answered.</param>
/// <param name="MemberId">Who called.</param>
/// <param name="OrganizationId">On behalf of which organization.</param>
/// <param name="Role">In which role.</param>
/// <param name="Action">The gRPC method.</param>
/// <param name="Kind">Read or change.</param>
/// <param name="SubjectType">The kind of object touched (member, service user, referral…).</param>
/// <param name="SubjectId">The object touched, when known.</param>
/// <param name="ServiceUserId">The service user whose data it is, for the access log; null for staff data.</param>
/// <param name="Purpose">Why (coordination, referral, care, directory administration…).</param>
/// <param name="Basis">On what basis (role, consent id, break-the-glass).</param>
/// <param name="Outcome">The gRPC status code of the answer.</param>
/// <param name="TraceId">The W3C trace id, to find the call in traces.</param>
public sealed record AuditEntry(
    DateTimeOffset OccurredAt,
    string MemberId,
    string OrganizationId,
    string Role,
    string Action,
    AuditKind Kind,
    string SubjectType,
    string? SubjectId,
    string? ServiceUserId,
    string Purpose,
    string Basis,
    string Outcome,
    string? TraceId);

/// <summary>Audit records as the events that carry them to the service user's access log.</summary>
public static class AccessEvents
{
    /// <summary>The record of <paramref name="source"/>'s trail as the PersonalDataAccessed event for the access log.</summary>
    public static Contracts.V1.PersonalDataAccessed ToAccessEvent(this AuditRecord record, string source) => new()
    {
        ServiceUserId = record.ServiceUserId ?? "",
        AccessTime = Api.ProtoValues.ToProtoTimestamp(record.OccurredAt),
        MemberId = record.MemberId,
        OrganizationId = record.OrganizationId,
        Role = record.Role,
        Method = record.Action,
        Change = record.Kind == AuditKind.Change,
        RecordType = record.SubjectType,
        RecordId = record.SubjectId ?? "",
        Purpose = record.Purpose,
        Basis = record.Basis,
        Outcome = record.Outcome,
        TraceId = record.TraceId ?? "",
        Source = source,
        SourceSequence = record.Sequence,
    };

    /// <summary>The entry the access log records for <paramref name="accessed"/>.</summary>
    public static AuditEntry ToAuditEntry(this Contracts.V1.PersonalDataAccessed accessed) => new(
        accessed.AccessTime.ToDateTimeOffset(),
        accessed.MemberId,
        accessed.OrganizationId,
        accessed.Role,
        accessed.Method,
        accessed.Change ? AuditKind.Change : AuditKind.Read,
        accessed.RecordType,
        accessed.RecordId.Length > 0 ? accessed.RecordId : null,
        accessed.ServiceUserId,
        accessed.Purpose,
        accessed.Basis,
        accessed.Outcome,
        accessed.TraceId.Length > 0 ? accessed.TraceId : null);
}

/// <summary>
/// One append-only audit record (NEN 7513). Each record is sealed with a keyed MAC over its fields and the previous
/// record's MAC, so someone with write access to the database but without the key (which never lives there) can neither
/// change nor remove a record, nor insert one, without breaking the chain from that record on. The application never
/// updates or deletes rows.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>The MAC before the first record.</summary>
    public const string GenesisMac = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Position in the chain, from 1, without gaps; the primary key.</summary>
    public long Sequence { get; init; }

    /// <summary>When the call was answered.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>Who called.</summary>
    public required string MemberId { get; init; }

    /// <summary>On behalf of which organization.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>In which role.</summary>
    public required string Role { get; init; }

    /// <summary>The gRPC method.</summary>
    public required string Action { get; init; }

    /// <summary>Read or change.</summary>
    public AuditKind Kind { get; init; }

    /// <summary>The kind of object touched.</summary>
    public required string SubjectType { get; init; }

    /// <summary>The object touched, when known.</summary>
    public string? SubjectId { get; init; }

    /// <summary>The service user whose data it is, for the access log.</summary>
    public string? ServiceUserId { get; init; }

    /// <summary>Why.</summary>
    public required string Purpose { get; init; }

    /// <summary>On what basis.</summary>
    public required string Basis { get; init; }

    /// <summary>The gRPC status code of the answer.</summary>
    public required string Outcome { get; init; }

    /// <summary>The W3C trace id.</summary>
    public string? TraceId { get; init; }

    /// <summary>The id of the key that sealed this record (<see cref="KeyRing"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>The previous record's MAC.</summary>
    public required string PreviousMac { get; init; }

    /// <summary>HMAC-SHA256 over this record's fields, its key id and <see cref="PreviousMac"/>.</summary>
    public string Mac { get; private set; } = "";

    /// <summary>The record that follows <paramref name="previousMac"/> at <paramref name="sequence"/>, sealed with the ring's current key.</summary>
    public static AuditRecord Seal(AuditEntry entry, long sequence, string previousMac, KeyRing keys)
    {
        var record = new AuditRecord
        {
            Sequence = sequence,
            OccurredAt = Persistence.Instants.AtStoragePrecision(entry.OccurredAt),
            // Claimed identities of refused calls come from unverified tokens; a column never overflows because of them.
            MemberId = entry.MemberId.Capped(64),
            OrganizationId = entry.OrganizationId.Capped(64),
            Role = entry.Role,
            Action = entry.Action.Capped(200),
            Kind = entry.Kind,
            SubjectType = entry.SubjectType,
            SubjectId = entry.SubjectId is null ? null : entry.SubjectId.Capped(64),
            ServiceUserId = entry.ServiceUserId,
            Purpose = entry.Purpose,
            Basis = entry.Basis,
            Outcome = entry.Outcome,
            TraceId = entry.TraceId,
            KeyId = keys.CurrentId,
            PreviousMac = previousMac,
        };
        record.Mac = record.ComputeMac(keys.Current);
        return record;
    }

    /// <summary>
    /// True when the record carries the MAC its fields give under the key it names; false when it was altered, or names a
    /// key the ring does not hold.
    /// </summary>
    public bool IsIntact(KeyRing keys) => keys.Find(KeyId) is { } key && Mac == ComputeMac(key);

    private string ComputeMac(byte[] key)
    {
        // Length-prefixed fields: no choice of values can make two different records serialize alike.
        var text = new StringBuilder();
        foreach (var field in new[]
        {
            Sequence.ToString(CultureInfo.InvariantCulture), OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            MemberId, OrganizationId, Role, Action, ((int)Kind).ToString(CultureInfo.InvariantCulture),
            SubjectType, SubjectId ?? "", ServiceUserId ?? "", Purpose, Basis, Outcome, TraceId ?? "", KeyId, PreviousMac,
        })
        {
            text.Append(field.Length).Append(':').Append(field).Append(';');
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text.ToString())));
    }

    internal sealed class Configuration : IEntityTypeConfiguration<AuditRecord>
    {
        public void Configure(EntityTypeBuilder<AuditRecord> builder)
        {
            builder.ToTable("audit_trail");
            builder.HasKey(x => x.Sequence);
            builder.Property(x => x.Sequence).ValueGeneratedNever();
            builder.Property(x => x.MemberId).HasMaxLength(64);
            builder.Property(x => x.OrganizationId).HasMaxLength(64);
            builder.Property(x => x.Role).HasMaxLength(32);
            builder.Property(x => x.Action).HasMaxLength(200);
            builder.Property(x => x.SubjectType).HasMaxLength(64);
            builder.Property(x => x.SubjectId).HasMaxLength(64);
            builder.Property(x => x.ServiceUserId).HasMaxLength(64);
            builder.Property(x => x.Purpose).HasMaxLength(64);
            builder.Property(x => x.Basis).HasMaxLength(128);
            builder.Property(x => x.Outcome).HasMaxLength(32);
            builder.Property(x => x.TraceId).HasMaxLength(32);
            builder.Property(x => x.KeyId).HasMaxLength(12);
            builder.Property(x => x.PreviousMac).HasMaxLength(64);
            builder.Property(x => x.Mac).HasMaxLength(64);

            // Every audited call inserts a record, and each index of the trail takes a write of one of its pages, at random
            // under a caseload: only what a query looks up is indexed (ListAccessLog, by service user and time).
            builder.HasIndex(x => new { x.ServiceUserId, x.OccurredAt });
        }
    }
}
