using Ferry.Core.Governance;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>
/// Takes registry and promotion events (<see cref="IRegistryEventSink"/>): for each active webhook subscribed to the
/// event it stores a delivery row holding the exact body, then wakes <see cref="RegistryWebhookDeliverer"/>, which posts
/// it. Callers publish after their change committed, so the change and the delivery rows are two transactions: a crash
/// between the two (or a database failure while storing the rows) loses that event's deliveries; the failure is
/// logged. Once stored, a delivery survives restarts until it succeeds or runs out of attempts.
/// </summary>
public sealed partial class RegistryWebhookSink(
    IServiceScopeFactory scopes,
    RegistryWebhookDeliverer deliverer,
    ILogger<RegistryWebhookSink> logger) : IRegistryEventSink
{
    /// <inheritdoc />
    public async Task PublishAsync(RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registryEvent);
        try
        {
            // The change is committed: the caller going away must not drop its event.
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IRegistryWebhookStore>();
            var webhooks = await store.ListSubscribedAsync(registryEvent.Type, CancellationToken.None);
            if (webhooks.Count == 0)
            {
                return;
            }

            var payload = RegistryWebhookPayload.Build(registryEvent);
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
            await store.AddDeliveriesAsync([.. webhooks.Select(w => new RegistryWebhookDelivery
            {
                // Delivered in id order: a strictly increasing id keeps the events of one millisecond in order.
                Id = MonotonicGuid.Next(),
                WebhookId = w.Id,
                EventType = registryEvent.Type,
                Payload = payload,
                CreatedAt = now,
                NextAttemptAt = now,
            })], CancellationToken.None);
            deliverer.Wake();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLost(logger, e, registryEvent.Type, registryEvent.ModelName);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventType} of model {Model} was not queued for its webhooks")]
    private static partial void LogLost(ILogger logger, Exception exception, string eventType, string model);
}
