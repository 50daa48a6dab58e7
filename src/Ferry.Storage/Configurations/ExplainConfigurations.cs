using Ferry.Core.Explain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class ModelCardConfiguration : IEntityTypeConfiguration<ModelCardEntry>
{
    public void Configure(EntityTypeBuilder<ModelCardEntry> builder)
    {
        builder.ToTable("model_cards");
        builder.HasKey(c => new { c.ModelName, c.ModelVersion });
        builder.Property(c => c.ModelName).HasMaxLength(256);
        builder.Property(c => c.FieldsJson).IsRequired();
        builder.Property(c => c.UpdatedBy).HasMaxLength(256).IsRequired();
    }
}
