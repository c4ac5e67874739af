using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReferralNet.Cases.Domain;

namespace ReferralNet.Cases.Data.Configurations;

internal sealed class ServiceUserConfiguration : IEntityTypeConfiguration<ServiceUser>
{
    public void Configure(EntityTypeBuilder<ServiceUser> builder)
    {
        builder.ToTable("service_users");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(36);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.Property(s => s.GivenName).HasMaxLength(200);
        builder.Property(s => s.FamilyName).HasMaxLength(200);
        builder.Property(s => s.Neighbourhood).HasMaxLength(64);
        builder.Property(s => s.RegisteredByOrganizationId).HasMaxLength(36);
        builder.Property(s => s.MergedIntoId).HasMaxLength(36);
        builder.Ignore(s => s.Details);
        builder.Ignore(s => s.ETag);
    }
}

internal sealed class BsnHashConfiguration : IEntityTypeConfiguration<BsnHash>
{
    public void Configure(EntityTypeBuilder<BsnHash> builder)
    {
        builder.ToTable("bsn_hashes");
        builder.HasKey(h => new { h.ServiceUserId, h.KeyId, h.Hash });
        builder.Property(h => h.ServiceUserId).HasMaxLength(36);
        builder.Property(h => h.KeyId).HasMaxLength(12);
        builder.Property(h => h.Hash).HasMaxLength(64);
        builder.HasIndex(h => h.Hash);
    }
}

internal sealed class HouseholdLinkConfiguration : IEntityTypeConfiguration<HouseholdLink>
{
    public void Configure(EntityTypeBuilder<HouseholdLink> builder)
    {
        builder.ToTable("household_links");
        builder.HasKey(l => new { l.ServiceUserId, l.OtherServiceUserId });
        builder.Property(l => l.ServiceUserId).HasMaxLength(36);
        builder.Property(l => l.OtherServiceUserId).HasMaxLength(36);
        builder.Property(l => l.Relation).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(l => l.OtherServiceUserId);
    }
}

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> builder)
    {
        builder.ToTable("consents");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(36);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.ServiceUserId).HasMaxLength(36);
        builder.Property(c => c.OrganizationId).HasMaxLength(36);
        builder.Property(c => c.OrganizationKind).HasConversion<string>().HasMaxLength(40);
        builder.Property(c => c.Purpose).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Method).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.EvidenceReference).HasMaxLength(200);
        builder.Property(c => c.RecordedByMemberId).HasMaxLength(36);
        builder.Property(c => c.RecordedByOrganizationId).HasMaxLength(36);
        builder.Property(c => c.RevokeReason).HasMaxLength(2000);
        builder.Property(c => c.RevokedByMemberId).HasMaxLength(36);
        builder.Property(c => c.RevocationGround).HasConversion<string>().HasMaxLength(32);
        builder.Ignore(c => c.LifeDomains);
        builder.Ignore(c => c.ETag);

        // Every call checks the caller's consents for one service user: by service user, then grantee.
        builder.HasIndex(c => new { c.ServiceUserId, c.OrganizationId });
        builder.HasIndex(c => new { c.ServiceUserId, c.OrganizationKind });
    }
}

internal sealed class DuplicateDismissalConfiguration : IEntityTypeConfiguration<DuplicateDismissal>
{
    public void Configure(EntityTypeBuilder<DuplicateDismissal> builder)
    {
        builder.ToTable("duplicate_dismissals");
        builder.HasKey(d => new { d.ServiceUserId, d.DuplicateServiceUserId });
        builder.Property(d => d.ServiceUserId).HasMaxLength(36);
        builder.Property(d => d.DuplicateServiceUserId).HasMaxLength(36);
        builder.Property(d => d.Reason).HasMaxLength(500);
        builder.Property(d => d.DismissedByMemberId).HasMaxLength(36);
        builder.Property(d => d.DismissedByOrganizationId).HasMaxLength(36);
    }
}

internal sealed class KnownOrganizationConfiguration : IEntityTypeConfiguration<KnownOrganization>
{
    public void Configure(EntityTypeBuilder<KnownOrganization> builder)
    {
        builder.ToTable("known_organizations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasMaxLength(36);
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(40);
    }
}
