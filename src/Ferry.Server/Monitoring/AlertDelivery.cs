using System.Threading.Channels;
using Ferry.Core.Monitoring;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Ferry.Server.Monitoring;

/// <summary>
/// Posts alert events to every webhook, off the monitor run: each event is queued, then posted to each webhook with
/// retries and exponential backoff (Polly). Every attempt, failed or not, is recorded as a <see cref="WebhookDelivery"/>.
/// A receiver that answers anything but 2xx, times out or cannot be reached is retried up to
/// <see cref="AlertDeliveryOptions.MaxAttempts"/> times. Events still queued when the server stops are not posted (the
/// alerts themselves are stored and listed by the API).
/// </summary>
public sealed partial class AlertDelivery(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    IOptions<AlertDeliveryOptions> options,
    TimeProvider clock,
    ILogger<AlertDelivery> logger,
    IEnumerable<IAlertChangeObserver> observers) : BackgroundService
{
    private readonly IAlertChangeObserver[] _observers = [.. observers];

    /// <summary>The named HttpClient used for webhooks.</summary>
    public const string HttpClientName = "ferry-webhooks";

    private readonly Channel<AlertChange> _queue = Channel.CreateBounded<AlertChange>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Queues alert events for delivery (never blocks; a full queue drops and logs).</summary>
    public void Enqueue(IEnumerable<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var list = changes as IReadOnlyList<AlertChange> ?? [.. changes];
        foreach (var observer in _observers)
        {
            observer.OnAlertChanges(list);
        }

        foreach (var change in list)
        {
            if (!_queue.Writer.TryWrite(change))
            {
                LogDropped(logger, change.Alert.Id);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                IReadOnlyList<AlertWebhook> webhooks;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    webhooks = await scope.ServiceProvider.GetRequiredService<IWebhookStore>().ListWebhooksAsync(stoppingToken);
                }

                await Task.WhenAll(webhooks.Select(w => DeliverAsync(w, change, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Posts one event to one webhook with retries, recording every attempt; true when one attempt succeeded.</summary>
    public async Task<bool> DeliverAsync(AlertWebhook webhook, AlertChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(change);
        var payload = AlertPayload.From(change.Alert, change.Event);
        var attempt = 0;
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            TimeProvider = clock,
        }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(0, options.Value.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.Value.UseJitter,
                Delay = options.Value.FirstRetryDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => !r.IsSuccessStatusCode),
            })
            .AddTimeout(options.Value.AttemptTimeout)
            .Build();
        var client = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await pipeline.ExecuteAsync(async ct =>
            {
                attempt++;
                HttpResponseMessage? answer = null;
                string? error = null;
                try
                {
                    answer = await client.PostAsJsonAsync(webhook.Url, payload, MonitoringJsonContext.Default.AlertPayload, ct);
                    if (!answer.IsSuccessStatusCode)
                    {
                        error = $"HTTP {(int)answer.StatusCode} {answer.ReasonPhrase}";
                    }

                    return answer;
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                {
                    error = exception is OperationCanceledException && !cancellationToken.IsCancellationRequested
                        ? $"timed out after {options.Value.AttemptTimeout.TotalSeconds:0.#} s"
                        : exception.Message;
                    throw;
                }
                finally
                {
                    await RecordAsync(webhook, change, attempt, answer, error, CancellationToken.None);
                }
            }, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException)
        {
            LogGaveUp(logger, webhook.Name, change.Alert.Id, attempt);
            return false;
        }
    }

    private async Task RecordAsync(AlertWebhook webhook, AlertChange change, int attempt, HttpResponseMessage? answer, string? error, CancellationToken cancellationToken)
    {
        var delivery = new WebhookDelivery
        {
            Id = Guid.CreateVersion7(),
            AlertId = change.Alert.Id,
            WebhookName = webhook.Name,
            Event = change.Event,
            Attempt = attempt,
            At = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Succeeded = answer is { IsSuccessStatusCode: true },
            StatusCode = answer is null ? null : (int)answer.StatusCode,
            Error = error is { Length: > 2000 } ? error[..2000] : error,
        };
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IWebhookStore>().RecordDeliveryAsync(delivery, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} was not queued for webhooks: the delivery queue is full")]
    private static partial void LogDropped(ILogger logger, Guid alertId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} did not accept alert {AlertId} after {Attempts} attempt(s); every attempt is recorded")]
    private static partial void LogGaveUp(ILogger logger, string webhook, Guid alertId, int attempts);
}
