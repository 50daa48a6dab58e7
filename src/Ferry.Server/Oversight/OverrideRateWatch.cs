using Ferry.Core.Oversight;
using Ferry.Server.Health;
using Ferry.Server.Scheduling;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Oversight;

/// <summary>
/// The periodic pass of the override-rate check: every <see cref="OverrideRateOptions.OverrideRateCheckInterval"/>
/// (on <see cref="TimeProvider"/>'s clock) each endpoint with a limit is judged again, so an alert resolves once old
/// overrides leave the window even when nobody reviews. On PostgreSQL the pass runs as a clustered Quartz job instead
/// (<see cref="ClusteredScheduling.RunsTicks"/>), once across replicas.
/// </summary>
public sealed partial class OverrideRateWatch(
    IServiceScopeFactory scopes,
    OverrideRateCheck check,
    IOptions<OverrideRateOptions> options,
    TimeProvider clock,
    DatabaseOutage outage,
    ILogger<OverrideRateWatch> logger,
    ClusteredScheduling? scheduling = null) : BackgroundService
{
    /// <summary>The actor of the periodic pass's alert changes.</summary>
    public const string Actor = "scheduler";

    /// <summary>One pass over every endpoint whose settings name a limit.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<EndpointOversight> settings;
        await using (var scope = scopes.CreateAsyncScope())
        {
            settings = await scope.ServiceProvider.GetRequiredService<IEndpointOversightStore>().ListAsync(cancellationToken);
        }

        foreach (var endpoint in settings.Where(s => s.OverrideRateLimit is not null).Select(s => s.EndpointName))
        {
            await check.EvaluateAsync(endpoint, Actor, cancellationToken);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (scheduling?.RunsTicks == true)
        {
            return;
        }

        var interval = options.Value.OverrideRateCheckInterval;
        try
        {
            while (true)
            {
                await Task.Delay(interval, clock, stoppingToken);
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    if (!outage.Observe(e))
                    {
                        LogFailed(logger, e);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The override-rate pass failed; the next pass tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
