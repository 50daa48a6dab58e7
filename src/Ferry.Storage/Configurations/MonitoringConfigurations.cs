using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class ReferenceColumnConfiguration : IEntityTypeConfiguration<ReferenceColumnEntry>
{
    public void Configure(EntityTypeBuilder<ReferenceColumnEntry> builder)
    {
        builder.ToTable("reference_columns");
        builder.HasKey(c => new { c.ModelName, c.ModelVersion, c.ColumnName });
        builder.Property(c => c.ModelName).HasMaxLength(256);
        builder.Property(c => c.ColumnName).HasMaxLength(256);
        builder.Property(c => c.Kind).HasMaxLength(16).IsRequired();
        builder.Property(c => c.Data).IsRequired();
    }
}

internal sealed class ReferenceProfileConfiguration : IEntityTypeConfiguration<ReferenceProfileEntry>
{
    public void Configure(EntityTypeBuilder<ReferenceProfileEntry> builder)
    {
        builder.ToTable("reference_profiles");
        builder.HasKey(r => new { r.ModelName, r.ModelVersion });
        builder.Property(r => r.ModelName).HasMaxLength(256);
        builder.Property(r => r.Source).HasMaxLength(512).IsRequired();
        builder.Property(r => r.ProfileJson).IsRequired();
        builder.Property(r => r.LabelColumn).HasMaxLength(256);
        builder.Property(r => r.PositiveLabel).HasMaxLength(256);
        builder.Property(r => r.CreatedBy).HasMaxLength(256).IsRequired();
    }
}

internal sealed class ProfileBucketConfiguration : IEntityTypeConfiguration<ProfileBucket>
{
    public void Configure(EntityTypeBuilder<ProfileBucket> builder)
    {
        builder.ToTable("profile_buckets");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.Property(b => b.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(b => b.ModelName).HasMaxLength(256).IsRequired();
        builder.Property(b => b.ReplicaId).HasMaxLength(128).IsRequired();
        builder.Property(b => b.ProfileJson).IsRequired();
        builder.HasIndex(b => new { b.EndpointName, b.BucketStart, b.ModelName, b.ModelVersion, b.ReplicaId }).IsUnique();
    }
}

internal sealed class MonitorDefinitionConfiguration : IEntityTypeConfiguration<MonitorDefinition>
{
    public void Configure(EntityTypeBuilder<MonitorDefinition> builder)
    {
        builder.ToTable("monitors");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Name).HasMaxLength(128).IsRequired();
        builder.Property(m => m.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(m => m.SpecJson).IsRequired();
        builder.Property(m => m.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(m => m.Name).IsUnique();
    }
}

internal sealed class MonitorReportConfiguration : IEntityTypeConfiguration<MonitorReport>
{
    public void Configure(EntityTypeBuilder<MonitorReport> builder)
    {
        builder.ToTable("monitor_reports");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.MonitorName).HasMaxLength(128).IsRequired();
        builder.Property(r => r.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(r => r.Status).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Trigger).HasMaxLength(32).IsRequired();
        builder.Property(r => r.ReportJson).IsRequired();
        builder.HasIndex(r => new { r.MonitorName, r.RanAt });
    }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable("alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.MonitorName).HasMaxLength(128).IsRequired();
        builder.Property(a => a.EndpointName).HasMaxLength(128).IsRequired();
        builder.Property(a => a.CheckKey).HasMaxLength(512).IsRequired();
        builder.Property(a => a.Status).HasMaxLength(16).IsRequired();
        builder.Property(a => a.Message).IsRequired();
        builder.HasIndex(a => new { a.MonitorName, a.CheckKey, a.Status });
        builder.HasIndex(a => new { a.Status, a.OpenedAt });
    }
}

internal sealed class AlertWebhookConfiguration : IEntityTypeConfiguration<AlertWebhook>
{
    public void Configure(EntityTypeBuilder<AlertWebhook> builder)
    {
        builder.ToTable("alert_webhooks");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.Property(w => w.Name).HasMaxLength(128).IsRequired();
        builder.Property(w => w.Url).HasMaxLength(2048).IsRequired();
        builder.Property(w => w.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(w => w.Name).IsUnique();
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.WebhookName).HasMaxLength(128).IsRequired();
        builder.Property(d => d.Event).HasMaxLength(16).IsRequired();
        builder.Property(d => d.Error).HasMaxLength(2048);
        builder.HasIndex(d => new { d.AlertId, d.At });
    }
}
