using System.Threading.Channels;
using Ferry.Core.Monitoring;
using Ferry.Core.Pipelines;

namespace Ferry.Server.Pipelines.Triggers;

/// <summary>
/// The alert trigger. Told of every alert change (<see cref="IAlertChangeObserver"/>, called by
/// <c>AlertDelivery.Enqueue</c>), it queues each <em>opened</em> alert on a bounded channel without blocking, and a
/// background consumer fires, at once rather than at the next loop tick, every pipeline of the alert's endpoint whose
/// <see cref="PipelineTriggers.Alerts"/> matches the alert's check key (<see cref="AlertTriggerMatch"/>) through
/// <see cref="PipelineFiring"/> (kind <c>alert</c>, reason "check key: message", source the alert's id). The
/// pipeline's cool-down, busy and disabled rules are <see cref="PipelineFiring"/>'s: each is recorded as the firing's
/// outcome. A full queue drops the alert and logs it.
/// </summary>
public sealed partial class AlertTriggers(IServiceScopeFactory scopes, ILogger<AlertTriggers> logger) : BackgroundService, IAlertChangeObserver
{
    /// <summary>How many opened alerts may wait to be handled.</summary>
    public const int Capacity = 1_024;

    private readonly Channel<Alert> _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private long _queued;
    private long _handled;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Opened alerts queued so far (dropped ones not counted).</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Queued alerts handled so far (fired or not).</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <inheritdoc />
    public void OnAlertChanges(IReadOnlyList<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes.Where(c => c.Event == "opened"))
        {
            if (_queue.Writer.TryWrite(change.Alert))
            {
                Interlocked.Increment(ref _queued);
            }
            else
            {
                LogDropped(logger, change.Alert.Id, change.Alert.CheckKey);
            }
        }
    }

    /// <summary>Completes once <see cref="Handled"/> reaches <paramref name="count"/> (tests and the quickstart wait on it).</summary>
    public async Task WaitUntilHandledAsync(long count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (Handled >= count)
            {
                return;
            }

            await progress.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Fires every pipeline of the alert's endpoint that the alert matches; returns the firings recorded.</summary>
    public async Task<IReadOnlyList<TriggerFiring>> HandleAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await using var scope = scopes.CreateAsyncScope();
        var pipelines = scope.ServiceProvider.GetRequiredService<IPipelineStore>();
        var firing = scope.ServiceProvider.GetRequiredService<PipelineFiring>();
        var fired = new List<TriggerFiring>();
        foreach (var pipeline in await pipelines.ListAsync(alert.EndpointName, cancellationToken))
        {
            if (TriggerSpecs.Of(pipeline, logger) is not { } triggers || AlertTriggerMatch.FirstMatch(triggers.Alerts, alert.CheckKey) is null)
            {
                continue;
            }

            var (recorded, _) = await firing.FireAsync(pipeline.Name, TriggerKinds.Alert, $"{alert.CheckKey}: {alert.Message}", alert.Id.ToString(), LoopActors.Loop, cancellationToken);
            LogFired(logger, pipeline.Name, alert.CheckKey, recorded.Outcome);
            fired.Add(recorded);
        }

        return fired;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await HandleAsync(alert, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, alert.Id, exception);
                }
                finally
                {
                    Interlocked.Increment(ref _handled);
                    Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Check} fired pipeline {Pipeline}: {Outcome}")]
    private static partial void LogFired(ILogger logger, string pipeline, string check, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The alert-trigger queue is full: alert {Alert} ({Check}) fires no pipeline")]
    private static partial void LogDropped(ILogger logger, Guid alert, string check);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing the pipelines of alert {Alert} failed")]
    private static partial void LogFailed(ILogger logger, Guid alert, Exception exception);
}
