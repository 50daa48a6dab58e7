using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

public sealed partial class MonitoringStore
{
    /// <inheritdoc />
    public Task<AlertWebhook> AddWebhookAsync(string name, Uri url, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return writer.RunAsync(actor, async (context, ct) =>
        {
            if (await context.AlertWebhooks.AnyAsync(w => w.Name == name, ct))
            {
                throw new AlreadyExistsException($"A webhook named '{name}' already exists.");
            }

            var webhook = new AlertWebhook { Id = Guid.CreateVersion7(), Name = name, Url = url.AbsoluteUri, CreatedBy = actor, CreatedAt = now };
            context.AlertWebhooks.Add(webhook);
            return (webhook, AuditRecord.Of("webhook.add", name, new { host = url.Host }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertWebhook>> ListWebhooksAsync(CancellationToken cancellationToken = default) =>
        await db.AlertWebhooks.AsNoTracking().OrderBy(w => w.Name).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public Task RemoveWebhookAsync(string name, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var webhook = await context.AlertWebhooks.FirstOrDefaultAsync(w => w.Name == name, ct)
                ?? throw new NotFoundException($"No webhook is named '{name}'.");
            context.AlertWebhooks.Remove(webhook);
            return (true, AuditRecord.Of("webhook.remove", name, new { }));
        }, cancellationToken);

    /// <inheritdoc />
    public async Task RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Guid? alertId, int limit, CancellationToken cancellationToken = default)
    {
        var deliveries = db.WebhookDeliveries.AsNoTracking();
        if (alertId is { } id)
        {
            deliveries = deliveries.Where(d => d.AlertId == id);
        }

        return await deliveries.OrderByDescending(d => d.At).ThenByDescending(d => d.Attempt)
            .Take(Math.Clamp(limit, 1, MaxLimit)).ToListAsync(cancellationToken);
    }
}
