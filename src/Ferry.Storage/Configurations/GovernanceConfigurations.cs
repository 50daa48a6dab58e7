using Ferry.Core.Governance;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class PolicyRevisionConfiguration : IEntityTypeConfiguration<PolicyRevision>
{
    public void Configure(EntityTypeBuilder<PolicyRevision> builder)
    {
        builder.ToTable("governance_policies");
        builder.HasKey(p => new { p.ModelName, p.Revision });
        builder.Property(p => p.ModelName).HasMaxLength(256);
        builder.Property(p => p.Tier).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.OverridesJson).IsRequired();
        builder.Property(p => p.CreatedBy).HasMaxLength(256).IsRequired();
    }
}

internal sealed class PromotionRequestConfiguration : IEntityTypeConfiguration<PromotionRequest>
{
    public void Configure(EntityTypeBuilder<PromotionRequest> builder)
    {
        builder.ToTable("promotion_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.ModelName).HasMaxLength(256).IsRequired();
        builder.Property(r => r.TargetAlias).HasMaxLength(256);
        builder.Property(r => r.TargetStage).HasMaxLength(20);
        builder.Property(r => r.Justification).IsRequired();
        builder.Property(r => r.State).HasMaxLength(20).IsRequired();
        builder.Property(r => r.RequestedBy).HasMaxLength(256).IsRequired();
        builder.Property(r => r.ClosedBy).HasMaxLength(256);
        builder.Property(r => r.PolicyJson).IsRequired();
        builder.Property(r => r.EvidenceJson).IsRequired();
        builder.Property(r => r.FailedChecks).IsRequired();
        builder.Property(r => r.CardSha256).HasMaxLength(64);
        builder.HasIndex(r => new { r.ModelName, r.State });
        builder.HasIndex(r => new { r.State, r.ExpiresAt });
        builder.HasMany(r => r.Decisions).WithOne().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PromotionDecisionConfiguration : IEntityTypeConfiguration<PromotionDecision>
{
    public void Configure(EntityTypeBuilder<PromotionDecision> builder)
    {
        builder.ToTable("promotion_decisions");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedOnAdd();
        builder.Property(d => d.Actor).HasMaxLength(256).IsRequired();
        builder.Property(d => d.Decision).HasMaxLength(20).IsRequired();
        builder.Property(d => d.Comment).IsRequired();
        builder.HasIndex(d => d.RequestId);
    }
}
