namespace Ferry.Core.Monitoring;

/// <summary>Port: the webhooks alerts are posted to (changes audited) and the record of each delivery attempt (not audited).</summary>
public interface IWebhookStore
{
    /// <summary>Adds a webhook.</summary>
    /// <exception cref="Errors.AlreadyExistsException">A webhook has that name.</exception>
    Task<AlertWebhook> AddWebhookAsync(string name, Uri url, string actor, CancellationToken cancellationToken = default);

    /// <summary>Every webhook, by name.</summary>
    Task<IReadOnlyList<AlertWebhook>> ListWebhooksAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a webhook.</summary>
    /// <exception cref="Errors.NotFoundException">No webhook has that name.</exception>
    Task RemoveWebhookAsync(string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>Records one delivery attempt.</summary>
    Task RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>Delivery attempts, newest first, optionally of one alert; at most <paramref name="limit"/> (clamped to 1..1000).</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Guid? alertId, int limit, CancellationToken cancellationToken = default);
}
