using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Governance;

/// <summary>Registry webhooks (changes audited as <c>registry-webhook.*</c>), their deliveries and attempts (not audited).</summary>
public sealed class RegistryWebhookStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IRegistryWebhookStore
{
    private const int MaxLimit = 1000;

    /// <inheritdoc />
    public Task<RegistryWebhook> CreateAsync(RegistryWebhook webhook, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        webhook.CreatedBy = actor;
        webhook.CreationTimestamp = now;
        webhook.LastUpdatedTimestamp = now;
        return writer.RunAsync(actor, (context, _) =>
        {
            context.RegistryWebhooks.Add(webhook);
            return Task.FromResult((webhook, AuditRecord.Of("registry-webhook.create", webhook.Id,
                new { name = webhook.Name, host = new Uri(webhook.Url).Host, events = webhook.Events, api = webhook.Api, signed = webhook.ProtectedSecret is not null })));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RegistryWebhook> GetAsync(string id, CancellationToken cancellationToken = default) =>
        await db.RegistryWebhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id && w.DeletedTimestamp == null, cancellationToken)
        ?? throw NotFound(id);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegistryWebhook>> ListAsync(string? api, int offset, int limit, CancellationToken cancellationToken = default)
    {
        var webhooks = db.RegistryWebhooks.AsNoTracking().Where(w => w.DeletedTimestamp == null);
        if (api is not null)
        {
            webhooks = webhooks.Where(w => w.Api == api);
        }

        return await webhooks.OrderByDescending(w => w.CreationTimestamp).ThenBy(w => w.Id)
            .Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, MaxLimit + 1)).ToListAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<RegistryWebhook> UpdateAsync(string id, Action<RegistryWebhook> change, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var webhook = await context.RegistryWebhooks.FirstOrDefaultAsync(w => w.Id == id && w.DeletedTimestamp == null, ct) ?? throw NotFound(id);
            change(webhook);
            webhook.LastUpdatedTimestamp = now;
            return (webhook, AuditRecord.Of("registry-webhook.update", id,
                new { name = webhook.Name, host = new Uri(webhook.Url).Host, events = webhook.Events, status = webhook.Status, signed = webhook.ProtectedSecret is not null }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var webhook = await context.RegistryWebhooks.FirstOrDefaultAsync(w => w.Id == id && w.DeletedTimestamp == null, ct) ?? throw NotFound(id);
            webhook.DeletedTimestamp = now;
            webhook.LastUpdatedTimestamp = now;
            return (true, AuditRecord.Of("registry-webhook.delete", id, new { name = webhook.Name }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegistryWebhook>> ListSubscribedAsync(string eventType, CancellationToken cancellationToken = default)
    {
        // Few webhooks exist; their event lists are matched here rather than in SQL.
        var active = await db.RegistryWebhooks.AsNoTracking()
            .Where(w => w.DeletedTimestamp == null && w.Status == RegistryWebhookStatus.Active)
            .OrderBy(w => w.CreationTimestamp).ToListAsync(cancellationToken);
        return [.. active.Where(w => w.EventList().Contains(eventType, StringComparer.Ordinal))];
    }

    /// <inheritdoc />
    public async Task AddDeliveriesAsync(IReadOnlyList<RegistryWebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        db.RegistryWebhookDeliveries.AddRange(deliveries);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegistryWebhookDelivery>> ListDueAsync(long now, int limit, CancellationToken cancellationToken = default) =>
        await db.RegistryWebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == RegistryWebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit)).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<bool> ClaimAsync(Guid deliveryId, long dueAt, long leaseUntil, CancellationToken cancellationToken = default) =>
        await db.RegistryWebhookDeliveries
            .Where(d => d.Id == deliveryId && d.Status == RegistryWebhookDeliveryStatus.Pending && d.NextAttemptAt == dueAt)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, leaseUntil), cancellationToken) == 1;

    /// <inheritdoc />
    public async Task RecordAttemptAsync(RegistryWebhookDelivery delivery, RegistryWebhookAttempt attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(attempt);
        db.RegistryWebhookDeliveries.Update(delivery);
        db.RegistryWebhookAttempts.Add(attempt);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <inheritdoc />
    public async Task<long?> NextDueAtAsync(CancellationToken cancellationToken = default) =>
        await db.RegistryWebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == RegistryWebhookDeliveryStatus.Pending)
            .MinAsync(d => d.NextAttemptAt, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<(RegistryWebhookDelivery Delivery, IReadOnlyList<RegistryWebhookAttempt> Attempts)>> ListDeliveriesAsync(
        string webhookId, int limit, CancellationToken cancellationToken = default)
    {
        var deliveries = await db.RegistryWebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == webhookId)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit)).ToListAsync(cancellationToken);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.RegistryWebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliveryId);
        return [.. deliveries.Select(d => (d, (IReadOnlyList<RegistryWebhookAttempt>)[.. attempts[d.Id].OrderBy(a => a.Attempt)]))];
    }

    private static NotFoundException NotFound(string id) => new($"Webhook with ID {id} not found.");
}
