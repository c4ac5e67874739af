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

        // The expiry sweep looks for consents whose end time passed since its last round.
        builder.HasIndex(c => c.EndAt);
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
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(40);
    }
}

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> builder)
    {
        builder.ToTable("cases");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(36);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.ServiceUserId).HasMaxLength(36);
        builder.Property(c => c.CoordinatorMemberId).HasMaxLength(36);
        builder.Property(c => c.CoordinatorOrganizationId).HasMaxLength(36);
        builder.Property(c => c.Plan).HasMaxLength(4000);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.CloseReason).HasMaxLength(2000);
        builder.Property(c => c.HandoverNote).HasMaxLength(2000);
        builder.HasMany(c => c.Goals).WithOne().HasForeignKey(g => g.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(c => c.Goals).UsePropertyAccessMode(PropertyAccessMode.Field).HasField("_goals");
        builder.Ignore(c => c.ETag);
        builder.HasIndex(c => new { c.ServiceUserId, c.Status });
        builder.HasIndex(c => new { c.CoordinatorMemberId, c.Status });
    }
}

internal sealed class GoalConfiguration : IEntityTypeConfiguration<Goal>
{
    public void Configure(EntityTypeBuilder<Goal> builder)
    {
        builder.ToTable("goals");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).HasMaxLength(36);
        builder.Property(g => g.CaseId).HasMaxLength(36);
        builder.Property(g => g.Description).HasMaxLength(500);
        builder.Property(g => g.LifeDomain).HasConversion<string>().HasMaxLength(32);
        builder.Property(g => g.Status).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class NeedConfiguration : IEntityTypeConfiguration<Need>
{
    public void Configure(EntityTypeBuilder<Need> builder)
    {
        builder.ToTable("needs");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).HasMaxLength(36);
        builder.Property(n => n.Version).IsConcurrencyToken();
        builder.Property(n => n.ServiceUserId).HasMaxLength(36);
        builder.Property(n => n.LifeDomain).HasConversion<string>().HasMaxLength(32);
        builder.Property(n => n.Severity).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.Description).HasMaxLength(2000);
        builder.Property(n => n.StatusNote).HasMaxLength(2000);
        builder.Property(n => n.RecordedByMemberId).HasMaxLength(36);
        builder.Property(n => n.RecordedByOrganizationId).HasMaxLength(36);
        builder.Ignore(n => n.ETag);
        builder.HasIndex(n => new { n.ServiceUserId, n.LifeDomain });
    }
}

internal sealed class InvolvementConfiguration : IEntityTypeConfiguration<Involvement>
{
    public void Configure(EntityTypeBuilder<Involvement> builder)
    {
        builder.ToTable("involvements");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).HasMaxLength(36);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.Property(i => i.ServiceUserId).HasMaxLength(36);
        builder.Property(i => i.OrganizationId).HasMaxLength(36);
        builder.Property(i => i.MemberId).HasMaxLength(36);
        builder.Property(i => i.SpannerId).HasMaxLength(64);
        builder.Property(i => i.SpannerName).HasMaxLength(200);
        builder.Property(i => i.Role).HasConversion<string>().HasMaxLength(24);
        builder.Property(i => i.Description).HasMaxLength(500);
        builder.Property(i => i.NeedId).HasMaxLength(36);
        builder.Property(i => i.CaseId).HasMaxLength(36);
        builder.Property(i => i.ReferralId).HasMaxLength(64);
        builder.Property(i => i.AssignmentId).HasMaxLength(64);
        builder.Property(i => i.EndReason).HasConversion<string>().HasMaxLength(24);
        builder.Property(i => i.HandedOverFromId).HasMaxLength(36);
        builder.Property(i => i.HandoverNote).HasMaxLength(2000);
        builder.Property(i => i.ReviewReason).HasMaxLength(500);
        builder.Ignore(i => i.ETag);
        builder.HasIndex(i => new { i.ServiceUserId, i.EndAt });
        builder.HasIndex(i => new { i.MemberId, i.EndAt });
        builder.HasIndex(i => new { i.SpannerId, i.EndAt });
        builder.HasIndex(i => i.ReferralId);
        builder.HasIndex(i => i.AssignmentId);
        builder.HasIndex(i => i.CaseId);
    }
}

internal sealed class SourceStateConfiguration : IEntityTypeConfiguration<SourceState>
{
    public void Configure(EntityTypeBuilder<SourceState> builder)
    {
        builder.ToTable("source_states");
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(80);
    }
}

internal sealed class EmergencyAccessConfiguration : IEntityTypeConfiguration<EmergencyAccess>
{
    public void Configure(EntityTypeBuilder<EmergencyAccess> builder)
    {
        builder.ToTable("emergency_accesses");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(36);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Property(a => a.ServiceUserId).HasMaxLength(36);
        builder.Property(a => a.MemberId).HasMaxLength(36);
        builder.Property(a => a.OrganizationId).HasMaxLength(36);
        builder.Property(a => a.Reason).HasMaxLength(1000);
        builder.Ignore(a => a.ETag);
        builder.HasIndex(a => new { a.ServiceUserId, a.MemberId });
        builder.HasIndex(a => a.OrganizationId);
    }
}

internal sealed class TimelineEntryConfiguration : IEntityTypeConfiguration<TimelineEntry>
{
    public void Configure(EntityTypeBuilder<TimelineEntry> builder)
    {
        builder.ToTable("timeline");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(36);
        builder.Property(t => t.ServiceUserId).HasMaxLength(36);
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Summary).HasMaxLength(300);
        builder.Property(t => t.OrganizationId).HasMaxLength(36);
        builder.Property(t => t.NeedId).HasMaxLength(36);
        builder.Property(t => t.ReferralId).HasMaxLength(64);
        builder.HasIndex(t => new { t.ServiceUserId, t.At });
    }
}

internal sealed class KnownMemberConfiguration : IEntityTypeConfiguration<KnownMember>
{
    public void Configure(EntityTypeBuilder<KnownMember> builder)
    {
        builder.ToTable("known_members");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasMaxLength(36);
        builder.Property(m => m.DisplayName).HasMaxLength(200);
        builder.Property(m => m.Profession).HasMaxLength(64);
    }
}

internal sealed class ReferralViewConfiguration : IEntityTypeConfiguration<ReferralView>
{
    public void Configure(EntityTypeBuilder<ReferralView> builder)
    {
        builder.ToTable("referral_views");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasMaxLength(64);
        builder.Property(r => r.ServiceUserId).HasMaxLength(36);
        builder.Property(r => r.ChainId).HasMaxLength(64);
        builder.Property(r => r.PreviousReferralId).HasMaxLength(64);
        builder.Property(r => r.NeedId).HasMaxLength(36);
        builder.Property(r => r.FromOrganizationId).HasMaxLength(36);
        builder.Property(r => r.ToServiceId).HasMaxLength(36);
        builder.Property(r => r.ToOrganizationId).HasMaxLength(36);
        builder.HasIndex(r => r.ServiceUserId);
    }
}
