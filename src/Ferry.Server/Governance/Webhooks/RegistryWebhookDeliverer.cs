using Ferry.Core.Governance;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Scheduling;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>
/// Posts stored deliveries (<see cref="RegistryWebhookDelivery"/>) to their webhooks. It wakes when an event is stored,
/// when the earliest pending retry falls due (waiting on <see cref="TimeProvider"/>), or every
/// <see cref="RegistryWebhookOptions.PollInterval"/> (rows stored by another replica, or left by a restart). Each attempt
/// is claimed in the database first, so replicas never post the same attempt twice; each is recorded. A 2xx ends the
/// delivery; no answer, a time-out, 408, 429 or 5xx is retried after <see cref="RegistryWebhookOptions.FirstRetryDelay"/>,
/// doubling up to <see cref="RegistryWebhookOptions.MaxRetryDelay"/>, for at most
/// <see cref="RegistryWebhookOptions.MaxAttempts"/> tries; any other status fails it at once. On PostgreSQL the periodic
/// sweep (due retries, rows of other replicas) runs as a clustered Quartz job (<see cref="SweepAsync"/>, once across
/// replicas, every poll interval) and this replica's loop only wakes for the events it stored itself.
/// </summary>
public sealed partial class RegistryWebhookDeliverer(
    IServiceScopeFactory scopes,
    WebhookPoster poster,
    DatabaseReadiness readiness,
    IOptions<RegistryWebhookOptions> options,
    TimeProvider clock,
    ILogger<RegistryWebhookDeliverer> logger,
    ClusteredScheduling? scheduling = null) : BackgroundService
{
    private const int Batch = 32;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _passing = new(1, 1);

    /// <summary>Asks the deliverer to look for due deliveries now.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.Initialized.WaitAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    wait = await DeliverDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                    wait = options.Value.PollInterval;
                }

                await WaitAsync(scheduling?.RunsTicks == true ? Timeout.InfiniteTimeSpan : wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep: posts every due delivery (the clustered job's pass on PostgreSQL).</summary>
    public async Task SweepAsync(CancellationToken cancellationToken = default)
    {
        await readiness.Initialized.WaitAsync(cancellationToken);
        await DeliverDueAsync(cancellationToken);
    }

    /// <summary>
    /// Posts every due delivery; returns how long until the next one falls due (at most the poll interval). One pass runs
    /// at a time on a replica (the wake loop and the clustered sweep take turns), and one webhook's due deliveries are
    /// posted one after another in the order their events were stored, so a receiver sees a model's alias created
    /// before it is deleted; different webhooks are posted concurrently. A webhook whose delivery fails (or was claimed
    /// elsewhere) gets no further post in that round, so a dead receiver costs one attempt's time-out per round, not one
    /// per due delivery, and never holds back the other webhooks for longer. A retried delivery may arrive after later
    /// events.
    /// </summary>
    private async Task<TimeSpan> DeliverDueAsync(CancellationToken cancellationToken)
    {
        await _passing.WaitAsync(cancellationToken);
        try
        {
            return await DeliverDueInOrderAsync(cancellationToken);
        }
        finally
        {
            _passing.Release();
        }
    }

    private async Task<TimeSpan> DeliverDueInOrderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            IReadOnlyList<RegistryWebhookDelivery> due;
            await using (var scope = scopes.CreateAsyncScope())
            {
                due = await scope.ServiceProvider.GetRequiredService<IRegistryWebhookStore>().ListDueAsync(Now(), Batch, cancellationToken);
            }

            if (due.Count == 0)
            {
                break;
            }

            // ListDueAsync orders by due time, then by id (MonotonicGuid: creation order); GroupBy keeps that order.
            await Task.WhenAll(due.GroupBy(d => d.WebhookId).Select(async deliveries =>
            {
                foreach (var delivery in deliveries)
                {
                    if (!await AttemptAsync(delivery, cancellationToken))
                    {
                        break; // the rest stay due: the next round reads them again
                    }
                }
            }));
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var next = await scope.ServiceProvider.GetRequiredService<IRegistryWebhookStore>().NextDueAtAsync(cancellationToken);
            var poll = options.Value.PollInterval;
            if (next is not { } at)
            {
                return poll;
            }

            var wait = TimeSpan.FromMilliseconds(at - Now());
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > poll ? poll : wait;
        }
    }

    /// <summary>
    /// Claims one delivery, posts it, records the attempt and the delivery's next state. True when it was delivered;
    /// false when another replica claimed it or the attempt failed (whether it is retried or not).
    /// </summary>
    private async Task<bool> AttemptAsync(RegistryWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IRegistryWebhookStore>();
        var settings = options.Value;
        var now = Now();
        // The lease outlasts the attempt, so a replica that dies mid-attempt leaves a delivery that is retried later.
        if (!await store.ClaimAsync(delivery.Id, delivery.NextAttemptAt ?? now, now + (long)(settings.AttemptTimeout * 2).TotalMilliseconds, cancellationToken))
        {
            return false;
        }

        WebhookPostResult result;
        try
        {
            var webhook = await store.GetAsync(delivery.WebhookId, cancellationToken);
            result = webhook.Status == RegistryWebhookStatus.Active
                ? await poster.PostAsync(webhook, delivery.Id.ToString(), delivery.Payload, cancellationToken)
                : new WebhookPostResult(0, null, "the webhook is disabled");
        }
        catch (Core.Errors.NotFoundException)
        {
            result = new WebhookPostResult(0, null, "the webhook was deleted");
        }

        var finished = Now();
        delivery.Attempts++;
        delivery.LastAttemptAt = finished;
        delivery.ResponseStatus = result.StatusCode is > 0 ? result.StatusCode : null;
        delivery.LastError = Truncate(result.Error);
        if (result.Succeeded)
        {
            delivery.Status = RegistryWebhookDeliveryStatus.Succeeded;
            delivery.NextAttemptAt = null;
        }
        else if (!result.Retryable || delivery.Attempts >= settings.MaxAttempts)
        {
            delivery.Status = RegistryWebhookDeliveryStatus.Failed;
            delivery.NextAttemptAt = null;
            LogGaveUp(logger, delivery.WebhookId, delivery.EventType, delivery.Attempts, result.Error ?? "failed");
        }
        else
        {
            delivery.NextAttemptAt = finished + (long)RetryDelay(delivery.Attempts).TotalMilliseconds;
        }

        await store.RecordAttemptAsync(delivery, new RegistryWebhookAttempt
        {
            Id = Guid.CreateVersion7(),
            DeliveryId = delivery.Id,
            Attempt = delivery.Attempts,
            At = finished,
            Succeeded = result.Succeeded,
            StatusCode = delivery.ResponseStatus,
            Error = delivery.LastError,
        }, CancellationToken.None);
        return result.Succeeded;
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failed try: the first delay, doubled per further try, capped.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var settings = options.Value;
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var delay = settings.FirstRetryDelay * factor;
        return delay > settings.MaxRetryDelay ? settings.MaxRetryDelay : delay;
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        if (wait <= TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, clock, stop.Token);
        var woken = _wake.WaitAsync(stop.Token);
        await Task.WhenAny(delay, woken);
        await stop.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static string? Truncate(string? error) => error is { Length: > 2000 } ? error[..2000] : error;

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering registry webhooks failed; retrying at the next poll")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} did not accept event {EventType} after {Attempts} attempt(s): {Error}; every attempt is recorded")]
    private static partial void LogGaveUp(ILogger logger, string webhook, string eventType, int attempts, string error);
}
