using Ferry.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("api_tokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Name).HasMaxLength(200).IsRequired();
        builder.Property(t => t.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.SecretHash).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(t => t.DisplayPrefix).HasMaxLength(16).IsRequired();
        builder.Property(t => t.Group).HasMaxLength(200);
        builder.Property(t => t.CreatedBy).HasMaxLength(200).IsRequired();
        builder.HasIndex(t => t.SecretHash).IsUnique();
    }
}
