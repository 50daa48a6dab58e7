using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>
/// Monitoring's metadata: reference profiles, monitors, their reports and alerts, webhooks and their deliveries.
/// User-made changes are audited; the per-bucket profiles (<see cref="ProfileBucketStore"/>) and delivery records are
/// telemetry and are not.
/// </summary>
public sealed partial class MonitoringStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock)
    : IMonitorStore, IAlertStore, IWebhookStore, IReferenceProfileStore
{
    /// <summary>Largest page a listing returns.</summary>
    public const int MaxLimit = 1000;

    /// <inheritdoc />
    public Task SetReferenceAsync(ReferenceProfileEntry entry, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.CreatedBy = actor;
        entry.CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var existing = await context.ReferenceProfiles
                .FirstOrDefaultAsync(r => r.ModelName == entry.ModelName && r.ModelVersion == entry.ModelVersion, ct);
            if (existing is not null)
            {
                context.ReferenceProfiles.Remove(existing);
                await context.SaveChangesAsync(ct);
            }

            context.ReferenceProfiles.Add(entry);
            var summary = new { rows = entry.Rows, source = entry.Source, label = entry.LabelColumn, replaced = existing is not null };
            return (true, AuditRecord.Of("reference.set", $"{entry.ModelName}/{entry.ModelVersion}", summary));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReferenceProfileEntry?> FindReferenceAsync(string modelName, int version, CancellationToken cancellationToken = default) =>
        db.ReferenceProfiles.AsNoTracking()
            .FirstOrDefaultAsync(r => r.ModelName == modelName && r.ModelVersion == version, cancellationToken);

    /// <inheritdoc />
    public Task<MonitorDefinition> SaveMonitorAsync(string name, string endpointName, string specJson, string actor, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var monitor = await context.Monitors.FirstOrDefaultAsync(m => m.Name == name, ct);
            var action = monitor is null ? "monitor.create" : "monitor.update";
            if (monitor is null)
            {
                monitor = new MonitorDefinition { Id = Guid.CreateVersion7(), Name = name, EndpointName = endpointName, SpecJson = specJson, CreatedBy = actor, CreatedAt = now };
                context.Monitors.Add(monitor);
            }

            monitor.EndpointName = endpointName;
            monitor.SpecJson = specJson;
            monitor.UpdatedAt = now;
            return (monitor, AuditRecord.Of(action, name, new { endpoint = endpointName }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MonitorDefinition?> FindMonitorAsync(string name, CancellationToken cancellationToken = default) =>
        db.Monitors.AsNoTracking().FirstOrDefaultAsync(m => m.Name == name, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitorDefinition>> ListMonitorsAsync(CancellationToken cancellationToken = default) =>
        await db.Monitors.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public Task DeleteMonitorAsync(string name, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var monitor = await context.Monitors.FirstOrDefaultAsync(m => m.Name == name, ct)
                ?? throw new NotFoundException($"No monitor is named '{name}'.");
            context.Monitors.Remove(monitor);
            return (true, AuditRecord.Of("monitor.delete", name, new { endpoint = monitor.EndpointName }));
        }, cancellationToken);
}
