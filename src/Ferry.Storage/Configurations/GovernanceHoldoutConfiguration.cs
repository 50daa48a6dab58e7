using Ferry.Core.Governance;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class HoldoutDatasetConfiguration : IEntityTypeConfiguration<HoldoutDataset>
{
    public void Configure(EntityTypeBuilder<HoldoutDataset> builder)
    {
        builder.ToTable("holdout_datasets");
        builder.HasKey(d => new { d.ModelName, d.Name });
        builder.Property(d => d.ModelName).HasMaxLength(256);
        builder.Property(d => d.Name).HasMaxLength(128);
        builder.Property(d => d.Columns).IsRequired();
        builder.Property(d => d.PositiveLabel).HasMaxLength(256);
        builder.Property(d => d.Source).HasMaxLength(512).IsRequired();
        builder.Property(d => d.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(d => d.CreatedBy).HasMaxLength(256).IsRequired();
        builder.Property(d => d.Data).IsRequired();
    }
}
