using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class ReferenceJobConfiguration : IEntityTypeConfiguration<ReferenceJob>
{
    public void Configure(EntityTypeBuilder<ReferenceJob> builder)
    {
        builder.ToTable("reference_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.ModelName).HasMaxLength(256).IsRequired();
        builder.Property(j => j.State).HasMaxLength(16).IsRequired();
        builder.Property(j => j.Phase).HasMaxLength(32);
        builder.Property(j => j.Error).HasMaxLength(4000);
        builder.Property(j => j.StagedFile).HasMaxLength(256).IsRequired();
        builder.Property(j => j.CreatedBy).HasMaxLength(256).IsRequired();
        builder.Ignore(j => j.IsActive);
        builder.HasIndex(j => new { j.ModelName, j.ModelVersion, j.CreatedAt });
        builder.HasIndex(j => j.State);
    }
}
