using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// The stored response of a write a client may retry. The primary key (method, organization, request id)
/// is the idempotency guarantee: a concurrent duplicate fails to insert instead of creating twice.
/// </summary>
public sealed class ProcessedRequest
{
    /// <summary>The gRPC method.</summary>
    public required string Method { get; init; }

    /// <summary>The caller's organization; keys of different organizations never collide or leak.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The client's request id.</summary>
    public required string RequestId { get; init; }

    /// <summary>SHA-256 of the request without its request id; a retry must match it.</summary>
    public required byte[] Fingerprint { get; init; }

    /// <summary>The protobuf-encoded response of the first call.</summary>
    public required byte[] Response { get; init; }

    /// <summary>When the first call committed.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    internal sealed class Configuration : IEntityTypeConfiguration<ProcessedRequest>
    {
        public void Configure(EntityTypeBuilder<ProcessedRequest> builder)
        {
            builder.ToTable("processed_requests");
            builder.HasKey(x => new { x.Method, x.OrganizationId, x.RequestId });
            builder.Property(x => x.Method).HasMaxLength(200);
            builder.Property(x => x.OrganizationId).HasMaxLength(64);
            builder.Property(x => x.RequestId).HasMaxLength(128);
            builder.Property(x => x.Fingerprint).HasMaxLength(32);
            builder.HasIndex(x => x.CreatedAt);
        }
    }
}
