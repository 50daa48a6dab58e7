using Ferry.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class LoggedModelConfiguration : IEntityTypeConfiguration<LoggedModel>
{
    public void Configure(EntityTypeBuilder<LoggedModel> builder)
    {
        builder.ToTable("logged_models");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasMaxLength(64);
        builder.Property(m => m.Name).HasMaxLength(500).IsRequired();
        builder.Property(m => m.ModelType).HasMaxLength(500).IsRequired();
        builder.Property(m => m.SourceRunId).HasMaxLength(64).IsRequired();
        builder.Property(m => m.Status).HasMaxLength(40).IsRequired();
        builder.Property(m => m.ArtifactLocation).HasMaxLength(2000).IsRequired();
        builder.Property(m => m.LifecycleStage).HasMaxLength(20).IsRequired();
        builder.HasOne<Experiment>().WithMany().HasForeignKey(m => m.ExperimentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(m => new { m.ExperimentId, m.LifecycleStage, m.CreationTime });
        builder.HasIndex(m => new { m.ExperimentId, m.Name });
        builder.HasMany(m => m.Params).WithOne().HasForeignKey(p => p.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Tags).WithOne().HasForeignKey(t => t.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Metrics).WithOne().HasForeignKey(t => t.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LoggedModelParamConfiguration : IEntityTypeConfiguration<LoggedModelParam>
{
    public void Configure(EntityTypeBuilder<LoggedModelParam> builder)
    {
        builder.ToTable("logged_model_params");
        builder.HasKey(p => new { p.ModelId, p.Key });
        builder.Property(p => p.Key).HasMaxLength(250);
        builder.Property(p => p.Value).IsRequired();
        builder.HasIndex(p => new { p.Key, p.ModelId });
    }
}

internal sealed class LoggedModelTagConfiguration : IEntityTypeConfiguration<LoggedModelTag>
{
    public void Configure(EntityTypeBuilder<LoggedModelTag> builder)
    {
        builder.ToTable("logged_model_tags");
        builder.HasKey(t => new { t.ModelId, t.Key });
        builder.Property(t => t.Key).HasMaxLength(250);
        builder.Property(t => t.Value).IsRequired();
        builder.HasIndex(t => new { t.Key, t.ModelId });
    }
}

internal sealed class LoggedModelMetricConfiguration : IEntityTypeConfiguration<LoggedModelMetric>
{
    public void Configure(EntityTypeBuilder<LoggedModelMetric> builder)
    {
        builder.ToTable("logged_model_metrics");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.Key).HasMaxLength(250).IsRequired();
        builder.Property(m => m.RunId).HasMaxLength(64).IsRequired();
        builder.Property(m => m.DatasetName).HasMaxLength(500);
        builder.Property(m => m.DatasetDigest).HasMaxLength(256);
        builder.Ignore(m => m.ActualValue);
        builder.HasIndex(m => new { m.ModelId, m.Key, m.Timestamp, m.Step });
        builder.HasIndex(m => new { m.Key, m.Value });
    }
}

internal sealed class RunModelLinkConfiguration : IEntityTypeConfiguration<RunModelLink>
{
    public void Configure(EntityTypeBuilder<RunModelLink> builder)
    {
        builder.ToTable("run_model_links");
        builder.HasKey(l => new { l.RunId, l.ModelId, l.Direction });
        builder.Property(l => l.RunId).HasMaxLength(64);
        builder.Property(l => l.ModelId).HasMaxLength(64);
        builder.Property(l => l.Direction).HasMaxLength(10);
        builder.HasOne<Run>().WithMany(r => r.ModelLinks).HasForeignKey(l => l.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<LoggedModel>().WithMany().HasForeignKey(l => l.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}
