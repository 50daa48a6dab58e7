using Ferry.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> builder)
    {
        builder.ToTable("experiments");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Name).HasMaxLength(500).IsRequired();
        builder.Property(e => e.ArtifactLocation).HasMaxLength(2000).IsRequired();
        builder.Property(e => e.LifecycleStage).HasMaxLength(20).IsRequired();
        builder.HasIndex(e => e.Name).IsUnique();
        builder.HasMany(e => e.Tags).WithOne().HasForeignKey(t => t.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExperimentTagConfiguration : IEntityTypeConfiguration<ExperimentTag>
{
    public void Configure(EntityTypeBuilder<ExperimentTag> builder)
    {
        builder.ToTable("experiment_tags");
        builder.HasKey(t => new { t.ExperimentId, t.Key });
        builder.Property(t => t.Key).HasMaxLength(250);
        builder.Property(t => t.Value).IsRequired();
    }
}

internal sealed class RunConfiguration : IEntityTypeConfiguration<Run>
{
    public void Configure(EntityTypeBuilder<Run> builder)
    {
        builder.ToTable("runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasMaxLength(64);
        builder.Property(r => r.Name).HasMaxLength(250).IsRequired();
        builder.Property(r => r.UserId).HasMaxLength(256).IsRequired();
        builder.Property(r => r.Status).HasMaxLength(20).IsRequired();
        builder.Property(r => r.ArtifactUri).HasMaxLength(2000).IsRequired();
        builder.Property(r => r.LifecycleStage).HasMaxLength(20).IsRequired();
        builder.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.ExperimentId, r.LifecycleStage, r.StartTime });
        builder.HasMany(r => r.Params).WithOne().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Tags).WithOne().HasForeignKey(t => t.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.LatestMetrics).WithOne().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.DatasetInputs).WithOne().HasForeignKey(d => d.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RunParamConfiguration : IEntityTypeConfiguration<RunParam>
{
    public void Configure(EntityTypeBuilder<RunParam> builder)
    {
        builder.ToTable("run_params");
        builder.HasKey(p => new { p.RunId, p.Key });
        builder.Property(p => p.Key).HasMaxLength(250);
        builder.Property(p => p.Value).IsRequired();
        builder.HasIndex(p => new { p.Key, p.RunId });
    }
}

internal sealed class RunTagConfiguration : IEntityTypeConfiguration<RunTag>
{
    public void Configure(EntityTypeBuilder<RunTag> builder)
    {
        builder.ToTable("run_tags");
        builder.HasKey(t => new { t.RunId, t.Key });
        builder.Property(t => t.Key).HasMaxLength(250);
        builder.Property(t => t.Value).IsRequired();
        builder.HasIndex(t => new { t.Key, t.RunId });
    }
}

internal sealed class MetricPointConfiguration : IEntityTypeConfiguration<MetricPoint>
{
    public void Configure(EntityTypeBuilder<MetricPoint> builder)
    {
        builder.ToTable("metric_points");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.Key).HasMaxLength(250).IsRequired();
        builder.Ignore(m => m.ActualValue);
        builder.HasOne<Run>().WithMany().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => new { m.RunId, m.Key, m.Step, m.Timestamp });
    }
}

internal sealed class LatestMetricConfiguration : IEntityTypeConfiguration<LatestMetric>
{
    public void Configure(EntityTypeBuilder<LatestMetric> builder)
    {
        builder.ToTable("latest_metrics");
        builder.HasKey(m => new { m.RunId, m.Key });
        builder.Property(m => m.Key).HasMaxLength(250);
        builder.Ignore(m => m.ActualValue);
        // Serves `metrics.<key> <op> <value>` filters and `ORDER BY metrics.<key>` in run search.
        builder.HasIndex(m => new { m.Key, m.Value });
    }
}

internal sealed class RunDatasetInputConfiguration : IEntityTypeConfiguration<RunDatasetInput>
{
    public void Configure(EntityTypeBuilder<RunDatasetInput> builder)
    {
        builder.ToTable("run_dataset_inputs");
        builder.HasKey(d => new { d.RunId, d.Name, d.Digest });
        builder.Property(d => d.Name).HasMaxLength(500);
        builder.Property(d => d.Digest).HasMaxLength(256);
        builder.Property(d => d.SourceType).HasMaxLength(100).IsRequired();
        builder.Property(d => d.Source).IsRequired();
        builder.Property(d => d.TagsJson).IsRequired();
    }
}
