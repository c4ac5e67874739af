using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReferralNet.Organizations.Domain;

namespace ReferralNet.Organizations.Data.Configurations;

internal sealed class ServiceConfiguration : IEntityTypeConfiguration<Service>
{
    public void Configure(EntityTypeBuilder<Service> builder)
    {
        builder.ToTable("services");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(36);
        builder.Property(s => s.OrganizationId).HasMaxLength(36);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Description).HasMaxLength(2000);
        builder.Property(s => s.AcknowledgementDeadline).HasConversion(v => (long)v.TotalSeconds, v => TimeSpan.FromSeconds(v));
        builder.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(s => s.Details);
        builder.Ignore(s => s.ETag);
        builder.HasIndex(s => new { s.OrganizationId, s.Id });

        // Directory search starts from the life domain, so it is a table of its own with an index on the domain.
        builder.OwnsMany(s => s.LifeDomains, domains =>
        {
            domains.ToTable("service_life_domains");
            domains.WithOwner().HasForeignKey("ServiceId");
            domains.Property<string>("ServiceId").HasMaxLength(36);
            domains.Property(d => d.Domain).HasConversion<string>().HasMaxLength(40);
            domains.HasKey("ServiceId", nameof(ServiceLifeDomain.Domain));
            domains.HasIndex(nameof(ServiceLifeDomain.Domain), "ServiceId");
        });
        builder.Navigation(s => s.LifeDomains).HasField("_lifeDomains").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
