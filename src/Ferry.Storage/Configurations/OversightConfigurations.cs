using Ferry.Core.Oversight;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class PredictionReviewConfiguration : IEntityTypeConfiguration<PredictionReview>
{
    public void Configure(EntityTypeBuilder<PredictionReview> builder)
    {
        builder.ToTable("prediction_reviews");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(r => r.ModelName).HasMaxLength(256).IsRequired();
        builder.Property(r => r.Action).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Outcome).HasMaxLength(256);
        builder.Property(r => r.Reason).HasMaxLength(2000).IsRequired();
        builder.Property(r => r.Actor).HasMaxLength(256).IsRequired();
        builder.HasIndex(r => r.PredictionId);
        // Sealing and override rates read reviews by endpoint and time.
        builder.HasIndex(r => new { r.EndpointName, r.CreatedAt });
    }
}

internal sealed class EndpointOversightConfiguration : IEntityTypeConfiguration<EndpointOversight>
{
    public void Configure(EntityTypeBuilder<EndpointOversight> builder)
    {
        builder.ToTable("endpoint_oversight");
        builder.HasKey(o => o.EndpointName);
        builder.Property(o => o.EndpointName).HasMaxLength(128);
        builder.Property(o => o.SuspendedBy).HasMaxLength(256);
        builder.Property(o => o.SuspendReason).HasMaxLength(2000);
        builder.Property(o => o.FallbackJson).HasMaxLength(4000);
        builder.Property(o => o.SubjectField).HasMaxLength(256);
        builder.Property(o => o.ReviewScoreClass).HasMaxLength(256);
        builder.Property(o => o.UpdatedBy).HasMaxLength(256).IsRequired();
    }
}

internal sealed class PredictionSealConfiguration : IEntityTypeConfiguration<PredictionSeal>
{
    public void Configure(EntityTypeBuilder<PredictionSeal> builder)
    {
        builder.ToTable("prediction_seals");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(s => s.Digest).HasMaxLength(64).IsRequired();
        builder.Property(s => s.SealedBy).HasMaxLength(256).IsRequired();
        builder.Property(s => s.Leaves).IsRequired();
        // Seals of an endpoint never overlap: one per (endpoint, start).
        builder.HasIndex(s => new { s.EndpointName, s.From }).IsUnique();
    }
}
