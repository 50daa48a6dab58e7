using Ferry.Core.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class RegisteredModelConfiguration : IEntityTypeConfiguration<RegisteredModel>
{
    public void Configure(EntityTypeBuilder<RegisteredModel> builder)
    {
        builder.ToTable("registered_models");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Name).HasMaxLength(256).IsRequired();
        builder.Property(m => m.Description).IsRequired();
        builder.Property(m => m.UserId).HasMaxLength(256).IsRequired();
        builder.HasIndex(m => m.Name).IsUnique();
        builder.HasMany(m => m.Tags).WithOne().HasForeignKey(t => t.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Aliases).WithOne().HasForeignKey(a => a.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Versions).WithOne().HasForeignKey(v => v.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RegisteredModelTagConfiguration : IEntityTypeConfiguration<RegisteredModelTag>
{
    public void Configure(EntityTypeBuilder<RegisteredModelTag> builder)
    {
        builder.ToTable("registered_model_tags");
        builder.HasKey(t => new { t.ModelId, t.Key });
        builder.Property(t => t.Key).HasMaxLength(250);
        builder.Property(t => t.Value).IsRequired();
    }
}

internal sealed class ModelAliasConfiguration : IEntityTypeConfiguration<ModelAlias>
{
    public void Configure(EntityTypeBuilder<ModelAlias> builder)
    {
        builder.ToTable("model_aliases");
        builder.HasKey(a => new { a.ModelId, a.Alias });
        builder.Property(a => a.Alias).HasMaxLength(256);
    }
}

internal sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> builder)
    {
        builder.ToTable("model_versions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
        builder.Property(v => v.Source).HasMaxLength(4000).IsRequired();
        builder.Property(v => v.ArtifactPath).HasMaxLength(2000);
        builder.Property(v => v.RunId).HasMaxLength(64);
        builder.Property(v => v.RunLink).HasMaxLength(2000).IsRequired();
        builder.Property(v => v.Description).IsRequired();
        builder.Property(v => v.UserId).HasMaxLength(256).IsRequired();
        builder.Property(v => v.CurrentStage).HasMaxLength(20).IsRequired();
        builder.Property(v => v.Status).HasMaxLength(30).IsRequired();
        builder.Property(v => v.StatusMessage).IsRequired();
        builder.Property(v => v.Flavor).HasMaxLength(20);
        builder.Property(v => v.MlflowModelId).HasMaxLength(256);
        builder.HasIndex(v => new { v.ModelId, v.Version }).IsUnique();
        builder.HasIndex(v => v.RunId);
        builder.HasMany(v => v.Tags).WithOne().HasForeignKey(t => t.VersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ModelVersionTagConfiguration : IEntityTypeConfiguration<ModelVersionTag>
{
    public void Configure(EntityTypeBuilder<ModelVersionTag> builder)
    {
        builder.ToTable("model_version_tags");
        builder.HasKey(t => new { t.VersionId, t.Key });
        builder.Property(t => t.Key).HasMaxLength(250);
        builder.Property(t => t.Value).IsRequired();
    }
}
