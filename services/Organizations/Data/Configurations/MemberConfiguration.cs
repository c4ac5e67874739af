using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReferralNet.Organizations.Domain;

namespace ReferralNet.Organizations.Data.Configurations;

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.ToTable("members");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasMaxLength(36);
        builder.Property(m => m.OrganizationId).HasMaxLength(36);
        builder.Property(m => m.Version).IsConcurrencyToken();
        builder.Property(m => m.DisplayName).HasMaxLength(200);
        builder.Property(m => m.Email).HasMaxLength(254);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(40);
        builder.Property(m => m.Profession).HasMaxLength(64);
        builder.HasOne<Organization>().WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(m => m.Details);
        builder.Ignore(m => m.ETag);
        builder.HasIndex(m => m.Email).IsUnique();
        builder.HasIndex(m => new { m.OrganizationId, m.Id });
        builder.HasIndex(m => m.Role);
    }
}
