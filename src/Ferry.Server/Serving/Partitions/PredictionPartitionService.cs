using Ferry.Core.Serving;
using Ferry.Server.Health;
using Ferry.Server.Scheduling;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving.Partitions;

/// <summary>
/// Keeps the prediction log's day partitions ahead of the clock (PostgreSQL; nothing on SQLite): yesterday, today and
/// <see cref="PredictionPartitionOptions.DaysAhead"/> days ahead each have a partition, rows of a new day's that landed
/// in the DEFAULT partition moved into it. Runs once when the replica starts (so a fresh database has today's
/// partition at once), then every <see cref="PredictionPartitionOptions.Interval"/>: as the clustered tick
/// <c>partitions</c> on PostgreSQL (<see cref="ClusteredScheduling.RunsTicks"/>), else in its own loop. Idempotent and
/// serialised across replicas in the database, so the start-up runs of several replicas do not collide.
/// </summary>
public sealed partial class PredictionPartitionService(
    IServiceScopeFactory scopes,
    IOptions<PredictionPartitionOptions> options,
    TimeProvider clock,
    ILogger<PredictionPartitionService> logger,
    DatabaseOutage outage,
    ClusteredScheduling? scheduling = null) : BackgroundService
{
    private const long DayMs = 86_400_000;

    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this replica's start-up pass has run (or failed), or at once where there are no partitions.</summary>
    public Task FirstPass => _firstPass.Task;

    /// <summary>One pass at the clock's now; null where the log is not partitioned (SQLite).</summary>
    public async Task<PartitionMaintenance?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<IPredictionPartitions>() is not { } partitions)
        {
            return null;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var today = now - (((now % DayMs) + DayMs) % DayMs);
        var result = await partitions.EnsureDaysAsync(today - DayMs, today + ((options.Value.DaysAhead + 1) * DayMs), cancellationToken);
        if (result.Created.Count > 0)
        {
            LogCreated(logger, result.Created.Count, result.Created[0].Name, result.Created[^1].Name, result.MovedFromDefault);
        }

        return result;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            if (scope.ServiceProvider.GetService<IPredictionPartitions>() is null)
            {
                _firstPass.TrySetResult();
                return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The next pass tries again; meanwhile new rows wait in the DEFAULT partition. An outage is logged once.
                if (!outage.Observe(e))
                {
                    LogFailed(logger, e);
                }
            }
            finally
            {
                _firstPass.TrySetResult();
            }

            if (scheduling?.RunsTicks == true)
            {
                return;
            }

            try
            {
                await Task.Delay(options.Value.Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Count} prediction-log partitions ({First} to {Last}); {Moved} rows moved out of the DEFAULT partition")]
    private static partial void LogCreated(ILogger logger, int count, string first, string last, long moved);

    [LoggerMessage(Level = LogLevel.Error, Message = "Prediction-log partition maintenance failed; the next pass tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
