using Ferry.Core.Serving;
using Ferry.Server.Health;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>
/// Deletes predictions (and their feedback) older than <see cref="RetentionOptions.Predictions"/>: once
/// <see cref="StartDelay"/> after start and then <see cref="Interval"/> after each pass ended, on <see cref="TimeProvider"/>'s clock. Does nothing when retention is
/// null (keep forever). Every replica may run it; the deletes are idempotent.
/// </summary>
public sealed partial class RetentionService(
    IServiceScopeFactory scopes,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<RetentionService> logger,
    DatabaseOutage outage) : BackgroundService
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
        if (options.Value.Predictions is not { } retention)
        {
            return null;
        }

        var cutoff = (now ?? clock.GetUtcNow()) - retention;
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        var result = await store.DeleteOlderThanAsync(cutoff.ToUnixTimeMilliseconds(), cancellationToken);
        if (result.Predictions > 0 || result.Feedback > 0)
        {
            LogDeleted(logger, result.Predictions, result.Feedback, cutoff);
        }

        return result;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Predictions is null)
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
