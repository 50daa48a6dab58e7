namespace Ferry.Server.Pipelines;

/// <summary>
/// One stage of the closed loop (datasets, training, evaluation, promotion, triggers). On each tick of the
/// <see cref="LoopWorker"/> it moves the pipeline runs in the phases it owns (<c>Ferry.Core.Pipelines.LoopPhases</c>)
/// forward and returns. Stages are resolved from a fresh scope per tick and run one after another in
/// <see cref="Order"/>, so no two ticks overlap in one process.
/// </summary>
public interface ILoopStage
{
    /// <summary>Run order within a tick (lower first): triggers 100, datasets 200, training 300, evaluation 400, promotion 500.</summary>
    int Order { get; }

    /// <summary>Does the stage's due work.</summary>
    Task TickAsync(CancellationToken cancellationToken);
}
