using Ferry.Core.Serving;
using Ferry.Server.Health;
using Ferry.Server.Scheduling;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>
/// Deletes predictions (and their feedback) older than <see cref="RetentionOptions.Predictions"/>: once
/// <see cref="StartDelay"/> after start and then <see cref="Interval"/> after each pass ended, on <see cref="TimeProvider"/>'s clock.
/// Endpoints are first handed to <see cref="IEndpointRetention"/> when one is registered (their own retention, the
/// retention floor, whole sealed stretches); the server-wide delete leaves those alone. Does nothing when retention is
/// null (keep forever) and no endpoint sets its own. On PostgreSQL the passes run as a clustered Quartz job instead
/// (<see cref="ClusteredScheduling.RunsTicks"/>), once across replicas; the deletes are idempotent either way.
/// </summary>
public sealed partial class RetentionService(
    IServiceScopeFactory scopes,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<RetentionService> logger,
    DatabaseOutage outage,
    IEndpointRetention? endpointRetention = null,
    ClusteredScheduling? scheduling = null) : BackgroundService
{
    /// <summary>Time from the end of one pass to the start of the next.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>
    /// Wait before the first pass: the first database query of a process is its most expensive one (EF builds its
    /// query pipeline), and start-up and the first requests should not share two cores with it.
    /// </summary>
    public static readonly TimeSpan StartDelay = TimeSpan.FromMinutes(1);

    /// <summary>
    /// One pass: deletes what was served before <paramref name="now"/> minus the retention (now defaults to the
    /// clock's). Returns what went, or null when retention is off.
    /// </summary>
    public async Task<PredictionRetentionResult?> RunOnceAsync(DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        var at = now ?? clock.GetUtcNow();
        var retention = options.Value.Predictions;
        EndpointRetentionResult? perEndpoint = null;
        if (endpointRetention is not null)
        {
            perEndpoint = await endpointRetention.RunAsync(at, retention, cancellationToken);
        }

        if (retention is null)
        {
            return perEndpoint is null ? null : new PredictionRetentionResult(perEndpoint.Predictions, perEndpoint.Feedback);
        }

        var cutoff = at - retention.Value;
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        var result = perEndpoint is null
            ? await store.DeleteOlderThanAsync(cutoff.ToUnixTimeMilliseconds(), cancellationToken)
            : await store.DeleteOlderThanAsync(cutoff.ToUnixTimeMilliseconds(), perEndpoint.Handled, cancellationToken);
        if (result.Predictions > 0 || result.Feedback > 0)
        {
            LogDeleted(logger, result.Predictions, result.Feedback, cutoff);
        }

        return perEndpoint is null ? result : new PredictionRetentionResult(result.Predictions + perEndpoint.Predictions, result.Feedback + perEndpoint.Feedback);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if ((options.Value.Predictions is null && endpointRetention is null) || scheduling?.RunsTicks == true)
        {
            return;
        }

        var wait = StartDelay;
        while (await WaitAsync(wait, stoppingToken))
        {
            try
            {
                await RunOnceAsync(cancellationToken: stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The next pass tries again; old rows only wait another interval. An outage is logged once, by DatabaseOutage.
                if (!outage.Observe(e))
                {
                    LogFailed(logger, e);
                }
            }

            wait = Interval;
        }
    }

    // False once the service is stopping.
    private async Task<bool> WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(wait, clock, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Predictions} predictions and {Feedback} feedback rows served before {Cutoff:O}")]
    private static partial void LogDeleted(ILogger logger, int predictions, int feedback, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "Prediction retention pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
