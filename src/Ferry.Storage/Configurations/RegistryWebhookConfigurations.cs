using Ferry.Core.Governance;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class RegistryWebhookConfiguration : IEntityTypeConfiguration<RegistryWebhook>
{
    public void Configure(EntityTypeBuilder<RegistryWebhook> builder)
    {
        builder.ToTable("registry_webhooks");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).HasMaxLength(64).ValueGeneratedNever();
        builder.Property(w => w.Name).HasMaxLength(128).IsRequired();
        builder.Property(w => w.Description).HasMaxLength(4096);
        builder.Property(w => w.Url).HasMaxLength(2048).IsRequired();
        builder.Property(w => w.Events).HasMaxLength(4096).IsRequired();
        builder.Property(w => w.Status).HasMaxLength(16).IsRequired();
        builder.Property(w => w.Api).HasMaxLength(16).IsRequired();
        builder.Property(w => w.ProtectedSecret).HasMaxLength(4096);
        builder.Property(w => w.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(w => w.CreationTimestamp);
    }
}

internal sealed class RegistryWebhookDeliveryConfiguration : IEntityTypeConfiguration<RegistryWebhookDelivery>
{
    public void Configure(EntityTypeBuilder<RegistryWebhookDelivery> builder)
    {
        builder.ToTable("registry_webhook_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.WebhookId).HasMaxLength(64).IsRequired();
        builder.Property(d => d.EventType).HasMaxLength(64).IsRequired();
        builder.Property(d => d.Payload).IsRequired();
        builder.Property(d => d.Status).HasMaxLength(16).IsRequired();
        builder.Property(d => d.LastError).HasMaxLength(2048);
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.WebhookId, d.CreatedAt });
    }
}

internal sealed class RegistryWebhookAttemptConfiguration : IEntityTypeConfiguration<RegistryWebhookAttempt>
{
    public void Configure(EntityTypeBuilder<RegistryWebhookAttempt> builder)
    {
        builder.ToTable("registry_webhook_attempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Error).HasMaxLength(2048);
        builder.HasIndex(a => new { a.DeliveryId, a.Attempt });
    }
}
