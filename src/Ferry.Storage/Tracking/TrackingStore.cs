using Ferry.Core.Errors;
using Ferry.Core.Tracking;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Tracking;

/// <summary>
/// <see cref="ITrackingStore"/> on <see cref="FerryDbContext"/>. Each mutation runs inside <see cref="AuditedWriter"/>,
/// so the change and its single audit event commit together. Times are epoch ms from the injected clock.
/// </summary>
public sealed partial class TrackingStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock, ISqlDialect dialect) : ITrackingStore
{
    /// <summary>The tag that mirrors a run's name.</summary>
    public const string RunNameTag = "mlflow.runName";

    /// <summary>The tag that holds the models logged to a run.</summary>
    public const string LogModelHistoryTag = "mlflow.log-model.history";

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task<Run> LoadActiveRunAsync(FerryDbContext context, string runId, CancellationToken cancellationToken)
    {
        var run = await context.Runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken)
            ?? throw RunNotFound(runId);
        return run.LifecycleStage == LifecycleStage.Active
            ? run
            : throw new TrackingRequestException($"The run {runId} must be in the 'active' state. Current state is {run.LifecycleStage}.");
    }

    private static NotFoundException RunNotFound(string runId) => new($"Run with id={runId} not found");

    private static NotFoundException ExperimentNotFound(long id) => new($"No Experiment with id={id} exists");
}
