using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class ServingEndpointConfiguration : IEntityTypeConfiguration<ServingEndpoint>
{
    public void Configure(EntityTypeBuilder<ServingEndpoint> builder)
    {
        builder.ToTable("serving_endpoints");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Name).HasMaxLength(128).IsRequired();
        builder.Property(e => e.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(e => e.Name).IsUnique();
        builder.Property(e => e.Durability).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.InvocationsOutput).HasConversion<string>().HasMaxLength(20);
        builder.HasMany(e => e.Policies).WithOne().HasForeignKey(p => p.EndpointId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TrafficPolicyConfiguration : IEntityTypeConfiguration<TrafficPolicy>
{
    public void Configure(EntityTypeBuilder<TrafficPolicy> builder)
    {
        builder.ToTable("traffic_policies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(p => new { p.EndpointId, p.Revision }).IsUnique();
        builder.HasMany(p => p.Routes).WithOne().HasForeignKey(r => r.PolicyId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TrafficRouteConfiguration : IEntityTypeConfiguration<TrafficRoute>
{
    public void Configure(EntityTypeBuilder<TrafficRoute> builder)
    {
        builder.ToTable("traffic_routes");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.ModelName).HasMaxLength(256).IsRequired();
        builder.Property(r => r.Alias).HasMaxLength(256);
        builder.Property(r => r.Role).HasConversion<string>().HasMaxLength(20);
    }
}

internal sealed class PredictionRecordConfiguration : IEntityTypeConfiguration<PredictionRecord>
{
    public void Configure(EntityTypeBuilder<PredictionRecord> builder)
    {
        builder.ToTable("predictions");
        builder.HasKey(p => p.Id);
        // What the router served a row with, and the answer, are encoded into the blobs, not stored as such.
        builder.Ignore(p => p.Served);
        builder.Ignore(p => p.ServedRow);
        builder.Ignore(p => p.Answer);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(p => p.ModelName).HasMaxLength(256).IsRequired();
        // Blobs (Serving/Log/PayloadCodec): typed values against a schema in prediction_schemas, or raw UTF-8 JSON.
        builder.Property(p => p.InputsJson).HasColumnName("inputs").HasConversion<Serving.Log.PayloadConverter>().IsRequired();
        builder.Property(p => p.OutputsJson).HasColumnName("outputs").HasConversion<Serving.Log.PayloadConverter>().IsRequired();
        builder.Property(p => p.ShadowOutputsJson).HasColumnName("shadow_outputs").HasConversion<Serving.Log.PayloadConverter>();
        // Windows by endpoint and time (monitoring), and retention by time.
        builder.HasIndex(p => new { p.EndpointName, p.Timestamp });
        builder.HasIndex(p => p.Timestamp);
        builder.Property(p => p.SubjectHash).HasMaxLength(64);
        builder.Property(p => p.InputDigest).HasMaxLength(64);
        // Data-subject export and erasure find a subject's decisions by their keyed hash; most rows have none.
        builder.HasIndex(p => p.SubjectHash).HasFilter("subject_hash IS NOT NULL");
    }
}

internal sealed class PredictionSchemaRowConfiguration : IEntityTypeConfiguration<Serving.Log.PredictionSchemaRow>
{
    public void Configure(EntityTypeBuilder<Serving.Log.PredictionSchemaRow> builder)
    {
        builder.ToTable("prediction_schemas");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Structure).IsRequired();
    }
}

internal sealed class PredictionFeedbackConfiguration : IEntityTypeConfiguration<PredictionFeedback>
{
    public void Configure(EntityTypeBuilder<PredictionFeedback> builder)
    {
        builder.ToTable("prediction_feedback");
        builder.HasKey(f => f.PredictionId);
        builder.Property(f => f.PredictionId).ValueGeneratedNever();
        builder.Property(f => f.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(f => f.Label).HasMaxLength(256);
        builder.HasIndex(f => new { f.EndpointName, f.ReceivedAt });
    }
}
