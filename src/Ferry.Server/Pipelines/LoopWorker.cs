using Ferry.Server.Health;
using Ferry.Server.Scheduling;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Pipelines;

/// <summary>
/// Drives the closed loop: every <see cref="LoopOptions.TickInterval"/> (on <see cref="TimeProvider"/>'s clock) it runs
/// each <see cref="ILoopStage"/> once, in order, in a fresh scope. A failing stage is logged and the others still run;
/// the next tick tries again. <see cref="TickAsync"/> runs one tick now (the quickstart and tests use it). On PostgreSQL
/// the periodic ticks run as a clustered Quartz job instead (<see cref="ClusteredScheduling.RunsTicks"/>), once across replicas.
/// </summary>
public sealed partial class LoopWorker(
    IServiceScopeFactory scopes,
    IOptions<LoopOptions> options,
    TimeProvider clock,
    DatabaseOutage outage,
    ILogger<LoopWorker> logger,
    ClusteredScheduling? scheduling = null) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Runs every stage once; waits for a tick already running to end first.</summary>
    public async Task TickAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            foreach (var stage in scope.ServiceProvider.GetServices<ILoopStage>().OrderBy(s => s.Order))
            {
                try
                {
                    await stage.TickAsync(cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    if (!outage.Observe(e))
                    {
                        LogStageFailed(logger, stage.GetType().Name, e);
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || scheduling?.RunsTicks == true)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(options.Value.TickInterval, clock, stoppingToken);
                await TickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The loop stage {Stage} failed; the next tick tries again")]
    private static partial void LogStageFailed(ILogger logger, string stage, Exception exception);
}
