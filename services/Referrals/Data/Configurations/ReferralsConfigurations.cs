using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReferralNet.Referrals.Domain;

namespace ReferralNet.Referrals.Data.Configurations;

internal sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> builder)
    {
        builder.ToTable("referrals");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasMaxLength(36);
        builder.Property(r => r.Version).IsConcurrencyToken();
        foreach (var id in new[] { nameof(Referral.ChainId), nameof(Referral.PreviousReferralId), nameof(Referral.RedirectedByOrganizationId), nameof(Referral.ServiceUserId),
            nameof(Referral.NeedId), nameof(Referral.ConsentId), nameof(Referral.CaseId), nameof(Referral.FromOrganizationId), nameof(Referral.FromMemberId),
            nameof(Referral.ToServiceId), nameof(Referral.ToOrganizationId), nameof(Referral.HandlerMemberId), nameof(Referral.RedirectReferralId) })
        {
            builder.Property(id).HasMaxLength(36);
        }

        builder.Property(r => r.LifeDomain).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Priority).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.DeclineReason).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.FailureReason).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.HoldReason).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Note).HasMaxLength(2000);
        builder.OwnsMany(r => r.History, step =>
        {
            step.ToTable("referral_steps");
            step.WithOwner().HasForeignKey(s => s.ReferralId);
            // A generated key: a step added to a loaded referral has no key yet, so EF inserts it (a step with its key set
            // would be taken for an existing row and updated).
            step.Property<Guid>("Id").ValueGeneratedOnAdd();
            step.HasKey("Id");
            step.HasIndex(s => new { s.ReferralId, s.Sequence }).IsUnique();
            step.Property(s => s.ReferralId).HasMaxLength(36);
            step.Property(s => s.From).HasConversion<string>().HasMaxLength(16);
            step.Property(s => s.To).HasConversion<string>().HasMaxLength(16);
            step.Property(s => s.ActorMemberId).HasMaxLength(36);
            step.Property(s => s.ActorOrganizationId).HasMaxLength(36);
            step.Property(s => s.Note).HasMaxLength(2000);
        });
        builder.Navigation(r => r.History).UsePropertyAccessMode(PropertyAccessMode.Field).HasField("_history");
        builder.Ignore(r => r.LastStep);
        builder.Ignore(r => r.IsFinal);
        builder.Ignore(r => r.Helps);
        builder.Ignore(r => r.Rejected);
        builder.Ignore(r => r.ETag);

        // The inboxes and outboxes page by organization (and status); a chain and a need find their referrals; the deadline
        // job finds the overdue ones.
        builder.HasIndex(r => new { r.ToOrganizationId, r.Id });
        builder.HasIndex(r => new { r.FromOrganizationId, r.Id });
        builder.HasIndex(r => r.ChainId);
        builder.HasIndex(r => new { r.NeedId, r.ToServiceId });
        builder.HasIndex(r => new { r.Status, r.AcknowledgementDueAt });
        builder.HasIndex(r => r.ConsentId);
    }
}

internal sealed class ChainConfiguration : IEntityTypeConfiguration<Chain>
{
    public void Configure(EntityTypeBuilder<Chain> builder)
    {
        builder.ToTable("chains");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(36);
        builder.Property(c => c.Version).IsConcurrencyToken();
        foreach (var id in new[] { nameof(Chain.NeedId), nameof(Chain.ServiceUserId), nameof(Chain.StartedByMemberId), nameof(Chain.StartedByOrganizationId),
            nameof(Chain.OpenNeedId), nameof(Chain.CaseId), nameof(Chain.CoordinatorMemberId), nameof(Chain.CoordinatorOrganizationId) })
        {
            builder.Property(id).HasMaxLength(36);
        }

        builder.Property(c => c.LifeDomain).HasConversion<string>().HasMaxLength(24);
        builder.ComplexCollection(c => c.ProposedSpanners, proposal => proposal.ToJson());
        builder.Ignore(c => c.AtRisk);
        builder.Ignore(c => c.ToldMemberId);
        builder.Ignore(c => c.ToldOrganizationId);
        builder.Ignore(c => c.ETag);
        // One open chain per need, however many first referrals race: the loser's insert fails on this index.
        builder.HasIndex(c => c.OpenNeedId).IsUnique();
        builder.HasIndex(c => c.NeedId);
        builder.HasIndex(c => c.ServiceUserId);
        builder.HasIndex(c => c.NoAcceptanceDueAt);
        builder.HasIndex(c => new { c.CoordinatorMemberId, c.Reasons });
        builder.HasIndex(c => new { c.StartedByMemberId, c.Reasons });
    }
}

internal sealed class KnownServiceConfiguration : IEntityTypeConfiguration<KnownService>
{
    public void Configure(EntityTypeBuilder<KnownService> builder)
    {
        builder.ToTable("known_services");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(36);
        builder.Property(s => s.OrganizationId).HasMaxLength(36);
        builder.Property(s => s.Name).HasMaxLength(200);
    }
}

internal sealed class InboxChangeConfiguration : IEntityTypeConfiguration<InboxChange>
{
    public void Configure(EntityTypeBuilder<InboxChange> builder)
    {
        builder.ToTable("inbox_changes");
        builder.HasKey(c => c.Position);
        builder.Property(c => c.Position).ValueGeneratedOnAdd();
        builder.Property(c => c.OrganizationId).HasMaxLength(36);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.ObjectId).HasMaxLength(36);

        // A resuming stream reads its organization's entries after its position; retention deletes by age.
        builder.HasIndex(c => new { c.OrganizationId, c.Position });
        builder.HasIndex(c => c.At);
    }
}
