namespace Ferry.Core.Governance;

/// <summary>
/// Port: registry webhooks (changes audited), their deliveries (durable, so a restart resumes pending retries) and
/// every delivery attempt.
/// </summary>
public interface IRegistryWebhookStore
{
    /// <summary>Adds a webhook.</summary>
    Task<RegistryWebhook> CreateAsync(RegistryWebhook webhook, string actor, CancellationToken cancellationToken = default);

    /// <summary>A webhook that is not deleted.</summary>
    /// <exception cref="Errors.NotFoundException">No such webhook.</exception>
    Task<RegistryWebhook> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Webhooks not deleted, newest first; only those of <paramref name="api"/> when given.</summary>
    Task<IReadOnlyList<RegistryWebhook>> ListAsync(string? api, int offset, int limit, CancellationToken cancellationToken = default);

    /// <summary>Changes a webhook (<paramref name="change"/> edits it; the last-updated time is set here).</summary>
    /// <exception cref="Errors.NotFoundException">No such webhook.</exception>
    Task<RegistryWebhook> UpdateAsync(string id, Action<RegistryWebhook> change, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a webhook (its row and deliveries are kept; its pending deliveries fail).</summary>
    /// <exception cref="Errors.NotFoundException">No such webhook.</exception>
    Task DeleteAsync(string id, string actor, CancellationToken cancellationToken = default);

    /// <summary>Active webhooks that receive <paramref name="eventType"/>.</summary>
    Task<IReadOnlyList<RegistryWebhook>> ListSubscribedAsync(string eventType, CancellationToken cancellationToken = default);

    /// <summary>Stores new deliveries in one transaction.</summary>
    Task AddDeliveriesAsync(IReadOnlyList<RegistryWebhookDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>Pending deliveries due at <paramref name="now"/> (epoch ms), oldest due first.</summary>
    Task<IReadOnlyList<RegistryWebhookDelivery>> ListDueAsync(long now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims a due delivery for one attempt: moves its next attempt to <paramref name="leaseUntil"/> only if it is still
    /// pending and due at <paramref name="dueAt"/>, so two replicas never post the same attempt. True when this caller won.
    /// </summary>
    Task<bool> ClaimAsync(Guid deliveryId, long dueAt, long leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Records an attempt and the delivery's new state in one transaction.</summary>
    Task RecordAttemptAsync(RegistryWebhookDelivery delivery, RegistryWebhookAttempt attempt, CancellationToken cancellationToken = default);

    /// <summary>The earliest next attempt of any pending delivery, epoch ms; null when none is pending.</summary>
    Task<long?> NextDueAtAsync(CancellationToken cancellationToken = default);

    /// <summary>A webhook's deliveries, newest first (at most <paramref name="limit"/>, clamped to 1..1000), with their attempts.</summary>
    Task<IReadOnlyList<(RegistryWebhookDelivery Delivery, IReadOnlyList<RegistryWebhookAttempt> Attempts)>> ListDeliveriesAsync(
        string webhookId, int limit, CancellationToken cancellationToken = default);
}
