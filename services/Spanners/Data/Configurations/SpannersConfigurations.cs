using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReferralNet.Spanners.Domain;

namespace ReferralNet.Spanners.Data.Configurations;

internal sealed class BoundarySpannerConfiguration : IEntityTypeConfiguration<BoundarySpanner>
{
    public void Configure(EntityTypeBuilder<BoundarySpanner> builder)
    {
        builder.ToTable("spanners");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(36);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.Property(s => s.OrganizationId).HasMaxLength(36);
        builder.Property(s => s.MemberId).HasMaxLength(36);
        builder.Property(s => s.BackupSpannerId).HasMaxLength(36);
        builder.Property(s => s.DisplayName).HasMaxLength(200);
        builder.Property(s => s.Phone).HasMaxLength(40);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.StopReason).HasConversion<string>().HasMaxLength(24);
        builder.PrimitiveCollection(s => s.LifeDomains).ElementType().HasConversion<string>();
        builder.Ignore(s => s.NeedsCertificate);
        builder.Ignore(s => s.ETag);

        // Lists page by organization; matching reads the active spanners.
        builder.HasIndex(s => new { s.OrganizationId, s.Id });
        builder.HasIndex(s => new { s.Status, s.Id });
    }
}

internal sealed class SpannerAssignmentConfiguration : IEntityTypeConfiguration<SpannerAssignment>
{
    public void Configure(EntityTypeBuilder<SpannerAssignment> builder)
    {
        builder.ToTable("spanner_assignments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(36);
        builder.Property(a => a.Version).IsConcurrencyToken();
        foreach (var id in new[] { nameof(SpannerAssignment.SpannerId), nameof(SpannerAssignment.SpannerOrganizationId), nameof(SpannerAssignment.ServiceUserId),
            nameof(SpannerAssignment.NeedId), nameof(SpannerAssignment.CaseId), nameof(SpannerAssignment.AssignedByMemberId), nameof(SpannerAssignment.AssignedByOrganizationId),
            nameof(SpannerAssignment.PreviousAssignmentId) })
        {
            builder.Property(id).HasMaxLength(36);
        }

        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.EndReason).HasConversion<string>().HasMaxLength(24);
        builder.Property(a => a.HandoverReason).HasConversion<string>().HasMaxLength(24);
        builder.Property(a => a.Note).HasMaxLength(2000);
        builder.Property(a => a.EndNote).HasMaxLength(2000);
        builder.Property(a => a.HandoverNote).HasMaxLength(2000);
        builder.Property(a => a.OpenSlot).HasMaxLength(36);
        builder.Ignore(a => a.IsOpen);
        builder.Ignore(a => a.ETag);

        // The slot rule (see OpenSlot) holds in the database, whatever races; a spanner's places count its open ones.
        builder.HasIndex(a => new { a.ServiceUserId, a.OpenSlot }).IsUnique();
        builder.HasIndex(a => new { a.SpannerId, a.Status });
        builder.HasIndex(a => a.PreviousAssignmentId);
    }
}

internal sealed class BurdenCheckInConfiguration : IEntityTypeConfiguration<BurdenCheckIn>
{
    public void Configure(EntityTypeBuilder<BurdenCheckIn> builder)
    {
        builder.ToTable("burden_check_ins");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(36);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.SpannerId).HasMaxLength(36);
        builder.Property(c => c.RecordedByMemberId).HasMaxLength(36);
        builder.Property(c => c.Note).HasMaxLength(2000);
        builder.Ignore(c => c.ETag);
        builder.HasIndex(c => new { c.SpannerId, c.Id });
    }
}

// The read model's ids come from other services' events: as long as the contract lets an id be (64), not only a UUID.
internal sealed class ResidentConfiguration : IEntityTypeConfiguration<Resident>
{
    public void Configure(EntityTypeBuilder<Resident> builder)
    {
        builder.ToTable("continuity_residents");
        builder.HasKey(r => r.ServiceUserId);
        builder.Property(r => r.ServiceUserId).HasMaxLength(64);
        builder.Property(r => r.Neighbourhood).HasMaxLength(64);
        builder.HasIndex(r => r.Neighbourhood);
    }
}

internal sealed class ContactSpellConfiguration : IEntityTypeConfiguration<ContactSpell>
{
    public void Configure(EntityTypeBuilder<ContactSpell> builder)
    {
        builder.ToTable("continuity_contact_spells");
        builder.HasKey(s => s.AssignmentId);
        builder.Property(s => s.AssignmentId).HasMaxLength(64);
        builder.Property(s => s.ServiceUserId).HasMaxLength(64);
        builder.Property(s => s.SpannerId).HasMaxLength(64);
        builder.HasIndex(s => s.ServiceUserId);
    }
}

internal sealed class ProfessionalDepartureConfiguration : IEntityTypeConfiguration<ProfessionalDeparture>
{
    public void Configure(EntityTypeBuilder<ProfessionalDeparture> builder)
    {
        builder.ToTable("continuity_professional_departures");
        builder.HasKey(d => d.InvolvementId);
        builder.Property(d => d.InvolvementId).HasMaxLength(64);
        builder.Property(d => d.ServiceUserId).HasMaxLength(64);
        builder.HasIndex(d => new { d.ServiceUserId, d.At });
    }
}
