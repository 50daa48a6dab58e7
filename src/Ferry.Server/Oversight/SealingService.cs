using Ferry.Core.Oversight;
using Ferry.Server.Health;
using Ferry.Server.Scheduling;
using Ferry.Server.Serving;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Oversight;

/// <summary>
/// Seals the prediction log (<see cref="IPredictionSealStore"/>): every endpoint's completed hours once
/// <see cref="SealingOptions.Grace"/> has passed after each hour boundary (on <see cref="TimeProvider"/>'s clock), the open
/// hour up to now on demand, and the open hour again at shutdown, after the prediction log's writer has drained (this
/// service is registered before it, and hosted services stop in reverse order). On PostgreSQL the periodic pass runs as a
/// clustered Quartz job instead (<see cref="ClusteredScheduling.RunsTicks"/>); the shutdown seal stays per replica.
/// </summary>
public sealed partial class SealingService(
    IServiceScopeFactory scopes,
    IOptions<SealingOptions> options,
    TimeProvider clock,
    PredictionLog log,
    ILogger<SealingService> logger,
    DatabaseOutage outage,
    ClusteredScheduling? scheduling = null) : BackgroundService
{
    /// <summary>The actor of the seals the server makes by itself.</summary>
    public const string SystemActor = "system";

    /// <summary>Wait before the first pass, so start-up does not share the machine with a backlog of hours.</summary>
    public static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(75);

    private const long HourMs = 3_600_000;

    /// <summary>Seals every endpoint's completed hours: up to the last hour boundary at least the grace ago.</summary>
    public Task<IReadOnlyList<PredictionSeal>> SealCompletedAsync(CancellationToken cancellationToken = default) =>
        SealAsync(CompletedBoundary(clock.GetUtcNow()), SystemActor, null, cancellationToken);

    /// <summary>
    /// Seals up to now (the open hour included), for one endpoint or all, after what this replica's prediction log had
    /// queued is written (at most <see cref="PredictionLog.LookupWait"/>).
    /// </summary>
    public async Task<IReadOnlyList<PredictionSeal>> SealNowAsync(string actor, string? endpointName, CancellationToken cancellationToken = default)
    {
        var upTo = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await log.WriteQueuedAsync(cancellationToken);
        return await SealAsync(upTo, actor, endpointName, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!options.Value.SealAtShutdown)
        {
            return;
        }

        try
        {
            var made = await SealAsync(clock.GetUtcNow().ToUnixTimeMilliseconds(), SystemActor, null, cancellationToken);
            LogShutdownSealed(logger, made.Count);
        }
        catch (Exception e)
        {
            // Not fatal: the next start seals those hours (the rows are in the log).
            LogFailed(logger, e);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (scheduling?.RunsTicks == true)
        {
            return;
        }

        var wait = StartDelay;
        while (await WaitAsync(wait, stoppingToken))
        {
            try
            {
                await SealCompletedAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The next pass seals what this one could not. An outage is logged once, by DatabaseOutage.
                if (!outage.Observe(e))
                {
                    LogFailed(logger, e);
                }
            }

            var now = clock.GetUtcNow();
            var next = DateTimeOffset.FromUnixTimeMilliseconds(CompletedBoundary(now) + HourMs) + options.Value.Grace;
            wait = next > now ? next - now : TimeSpan.FromMinutes(1);
        }
    }

    // The last hour boundary b with b + grace <= now.
    private long CompletedBoundary(DateTimeOffset now)
    {
        var ms = (now - options.Value.Grace).ToUnixTimeMilliseconds();
        return ms - (((ms % HourMs) + HourMs) % HourMs);
    }

    private async Task<IReadOnlyList<PredictionSeal>> SealAsync(long upToMs, string actor, string? endpointName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionSealStore>();
        var names = endpointName is null ? await store.EndpointNamesAsync(cancellationToken) : [endpointName];
        var made = new List<PredictionSeal>();
        foreach (var name in names)
        {
            made.AddRange(await store.SealAsync(name, upToMs, actor, cancellationToken));
        }

        if (made.Count > 0)
        {
            var predictions = made.Sum(s => s.Predictions);
            var reviews = made.Sum(s => s.Reviews);
            LogSealed(logger, made.Count, predictions, reviews);
        }

        return made;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed {Seals} stretches of the prediction log ({Predictions} predictions, {Reviews} reviews)")]
    private static partial void LogSealed(ILogger logger, int seals, int predictions, int reviews);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown sealed {Seals} stretches of the prediction log")]
    private static partial void LogShutdownSealed(ILogger logger, int seals);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sealing the prediction log failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
