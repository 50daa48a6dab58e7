using Ferry.Core.Pipelines;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class TrainingDatasetConfiguration : IEntityTypeConfiguration<TrainingDataset>
{
    public void Configure(EntityTypeBuilder<TrainingDataset> builder)
    {
        builder.ToTable("training_datasets");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Name).HasMaxLength(256).IsRequired();
        builder.HasIndex(d => d.Name).IsUnique();
        builder.Property(d => d.EndpointName).HasMaxLength(128).IsRequired();
        builder.HasIndex(d => new { d.EndpointName, d.CreatedAt });
        builder.Property(d => d.QueryJson).IsRequired();
        builder.Property(d => d.VersionsJson).IsRequired();
        builder.Property(d => d.Columns).IsRequired();
        builder.Property(d => d.Digest).HasMaxLength(64).IsRequired();
        builder.Property(d => d.HoldoutDigest).HasMaxLength(64);
        builder.Property(d => d.ArtifactPath).HasMaxLength(1024).IsRequired();
        builder.Property(d => d.HoldoutArtifactPath).HasMaxLength(1024);
        builder.Property(d => d.CreatedBy).HasMaxLength(256).IsRequired();
    }
}

internal sealed class TrainingPipelineConfiguration : IEntityTypeConfiguration<TrainingPipeline>
{
    public void Configure(EntityTypeBuilder<TrainingPipeline> builder)
    {
        builder.ToTable("pipelines");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Name).HasMaxLength(128).IsRequired();
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.EndpointName).HasMaxLength(128).IsRequired();
        builder.HasIndex(p => p.EndpointName);
        builder.Property(p => p.ModelName).HasMaxLength(256).IsRequired();
        builder.Property(p => p.ExperimentName).HasMaxLength(500).IsRequired();
        builder.Property(p => p.SpecJson).IsRequired();
        builder.Property(p => p.CreatedBy).HasMaxLength(256).IsRequired();
    }
}

internal sealed class PipelineRunConfiguration : IEntityTypeConfiguration<PipelineRun>
{
    public void Configure(EntityTypeBuilder<PipelineRun> builder)
    {
        builder.ToTable("pipeline_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.PipelineName).HasMaxLength(128).IsRequired();
        builder.Property(r => r.Phase).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Status).HasMaxLength(32).IsRequired();
        builder.Property(r => r.TriggerKind).HasMaxLength(32).IsRequired();
        builder.Property(r => r.TriggerReason).HasMaxLength(2000).IsRequired();
        builder.Property(r => r.RequestedBy).HasMaxLength(256).IsRequired();
        builder.Property(r => r.TrackingRunId).HasMaxLength(64);
        builder.Property(r => r.Error).HasMaxLength(4000);
        builder.HasIndex(r => new { r.PipelineId, r.Number }).IsUnique();
        builder.HasIndex(r => r.Phase);
        // At most one run in progress per pipeline: the second insert fails on this index.
        builder.HasIndex(r => r.PipelineId).IsUnique().HasFilter("active").HasDatabaseName("ix_pipeline_runs_one_active");
    }
}

internal sealed class TriggerFiringConfiguration : IEntityTypeConfiguration<TriggerFiring>
{
    public void Configure(EntityTypeBuilder<TriggerFiring> builder)
    {
        builder.ToTable("trigger_firings");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.PipelineName).HasMaxLength(128).IsRequired();
        builder.Property(f => f.Kind).HasMaxLength(32).IsRequired();
        builder.Property(f => f.Reason).HasMaxLength(2000).IsRequired();
        builder.Property(f => f.Source).HasMaxLength(256);
        builder.Property(f => f.Outcome).HasMaxLength(32).IsRequired();
        builder.HasIndex(f => new { f.PipelineId, f.At });
    }
}

internal sealed class ChallengerEvaluationConfiguration : IEntityTypeConfiguration<ChallengerEvaluation>
{
    public void Configure(EntityTypeBuilder<ChallengerEvaluation> builder)
    {
        builder.ToTable("challenger_evaluations");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(e => e.ModelName).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Metric).HasMaxLength(64).IsRequired();
        builder.Property(e => e.PairedTest).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Verdict).HasMaxLength(32).IsRequired();
        builder.Property(e => e.Summary).HasMaxLength(4000).IsRequired();
        builder.Property(e => e.MetricsJson).IsRequired();
        builder.Property(e => e.CurvesJson).IsRequired();
        builder.Property(e => e.FairnessJson).IsRequired();
        builder.Property(e => e.DriftJson).IsRequired();
        builder.HasIndex(e => new { e.EndpointName, e.CreatedAt });
        builder.HasIndex(e => e.PipelineRunId);
    }
}

internal sealed class RolloutConfiguration : IEntityTypeConfiguration<Rollout>
{
    public void Configure(EntityTypeBuilder<Rollout> builder)
    {
        builder.ToTable("rollouts");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(r => r.ModelName).HasMaxLength(256).IsRequired();
        builder.Property(r => r.Steps).HasMaxLength(256).IsRequired();
        builder.Property(r => r.GuardsJson).IsRequired();
        builder.Property(r => r.Alias).HasMaxLength(256).IsRequired();
        builder.Property(r => r.Status).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Reason).HasMaxLength(4000);
        builder.Property(r => r.StartedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(r => new { r.EndpointName, r.StartedAt });
        builder.HasIndex(r => r.Status);
    }
}

internal sealed class RolloutEventConfiguration : IEntityTypeConfiguration<RolloutEvent>
{
    public void Configure(EntityTypeBuilder<RolloutEvent> builder)
    {
        builder.ToTable("rollout_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Kind).HasMaxLength(32).IsRequired();
        builder.Property(e => e.Detail).HasMaxLength(4000).IsRequired();
        builder.HasIndex(e => new { e.RolloutId, e.Id });
    }
}
