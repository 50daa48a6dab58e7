using System.Text;
using Ferry.Core.Artifacts;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Pipelines;
using Ferry.Core.Registry;
using Ferry.Core.Tracking;
using Ferry.Server.Identity;

namespace Ferry.Server.Pipelines.Execution;

/// <summary>How a training ended, as far as the loop is concerned.</summary>
public enum TrainingEnd
{
    /// <summary>The command exited by itself (0 or not).</summary>
    Exited,

    /// <summary>Killed at its timeout.</summary>
    TimedOut,

    /// <summary>Killed by a cancel.</summary>
    Cancelled,

    /// <summary>Killed because the server stopped.</summary>
    ServerStopped,
}

/// <summary>
/// Records the end of a training command: uploads its logs as the tracking run's artifacts (<c>logs/stdout.txt</c>,
/// <c>logs/stderr.txt</c>), revokes the run's token, ends the tracking run (FINISHED, FAILED or KILLED), looks up the
/// version of the pipeline's model registered from it, and moves the pipeline run on (<c>evaluating</c>,
/// <c>no_version</c>, <c>failed</c> or <c>cancelled</c>); audited <c>pipeline.run.end</c>.
/// </summary>
public sealed class TrainingFinisher(
    IPipelineStore pipelines,
    ITrackingStore tracking,
    IRegistryStore registry,
    ITokenStore tokens,
    IArtifactStore artifacts,
    IAuditLog audit,
    TokenCache tokenCache,
    TimeProvider clock)
{
    /// <summary>Lines of a log shown in a run's error and view.</summary>
    public const int TailLines = 20;

    /// <summary>Records the end of <paramref name="training"/> (which has ended or been killed).</summary>
    public async Task<PipelineRun?> EndAsync(RunningTraining training, TrainingEnd end, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(training);
        var run = await pipelines.FindRunAsync(training.RunId, cancellationToken);
        var result = training.Execution.Result;
        try
        {
            var revoked = await tokens.RevokeAsync(training.TokenId, actor, cancellationToken);
            tokenCache.Forget(revoked.SecretHash);
        }
        catch (NotFoundException)
        {
        }

        if (run is null || LoopPhases.IsTerminal(run.Phase))
        {
            return run;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        run.ExitCode = result?.ExitCode;
        run.EndedAt = now;
        if (run.TrackingRunId is { } trackingRunId)
        {
            await UploadLogsAsync(trackingRunId, training, cancellationToken);
        }

        var timeout = run.StartedAt is { } started ? (now - started) / 1000 : 0;
        (run.Status, var trackingStatus, run.Phase, run.Error) = end switch
        {
            TrainingEnd.Cancelled => (PipelineRunStatus.Cancelled, RunStatus.Killed, LoopPhases.Cancelled, $"cancelled by {actor}"),
            TrainingEnd.ServerStopped => (PipelineRunStatus.Failed, RunStatus.Failed, LoopPhases.Failed, "server stopped while the training command ran"),
            TrainingEnd.TimedOut => (PipelineRunStatus.TimedOut, RunStatus.Failed, LoopPhases.Failed,
                $"the training command timed out after {timeout} s and was killed{Tail(training.StderrPath, training.StdoutPath)}"),
            _ when result?.ExitCode != 0 => (PipelineRunStatus.Failed, RunStatus.Failed, LoopPhases.Failed,
                $"the training command exited with code {result?.ExitCode}{Tail(training.StderrPath, training.StdoutPath)}"),
            _ => (PipelineRunStatus.Succeeded, RunStatus.Finished, LoopPhases.NoVersion, (string?)null),
        };

        if (run.TrackingRunId is { } id)
        {
            var tracked = await tracking.GetRunAsync(id, cancellationToken);
            if (trackingStatus != RunStatus.Finished || tracked.Status is RunStatus.Running or RunStatus.Scheduled)
            {
                await tracking.UpdateRunAsync(id, new RunUpdate(trackingStatus, now, null), actor, cancellationToken);
            }
        }

        if (run.Status == PipelineRunStatus.Succeeded)
        {
            var pipeline = await pipelines.FindByIdAsync(run.PipelineId, cancellationToken);
            var version = pipeline is null || run.TrackingRunId is null ? null : await FindVersionAsync(pipeline.ModelName, run.TrackingRunId, cancellationToken);
            if (version is not null)
            {
                run.ChallengerVersion = version;
                run.Phase = LoopPhases.Evaluating;
            }
            else
            {
                run.Error = $"the training command succeeded but registered no version of '{pipeline?.ModelName}' from tracking run {run.TrackingRunId}";
            }
        }

        run.UpdatedAt = now;
        await pipelines.UpdateRunAsync(run, cancellationToken);
        await audit.RecordAsync(actor, AuditRecord.Of("pipeline.run.end", $"pipeline/{run.PipelineName}/runs/{run.Number}", new
        {
            run.Status,
            run.ExitCode,
            run.Phase,
            run.TrackingRunId,
            run.ChallengerVersion,
            run.Error,
        }), cancellationToken);
        return run;
    }

    /// <summary>The newest version of <paramref name="model"/> registered from <paramref name="trackingRunId"/>, or null.</summary>
    public async Task<int?> FindVersionAsync(string model, string trackingRunId, CancellationToken cancellationToken)
    {
        var page = await registry.SearchVersionsAsync(
            new RegistrySearch($"name = '{model.Replace("'", "\\'", StringComparison.Ordinal)}' and run_id = '{trackingRunId}'", [], 100, null), cancellationToken);
        return page.Items.Count == 0 ? null : page.Items.Max(v => v.Version.Version);
    }

    /// <summary>The last <see cref="TailLines"/> lines of a log file (at most 8 KiB), or empty.</summary>
    public static string ReadTail(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = Math.Min(file.Length, 8192);
        file.Seek(-length, SeekOrigin.End);
        var buffer = new byte[length];
        file.ReadExactly(buffer);
        var lines = Encoding.UTF8.GetString(buffer).TrimEnd('\n', '\r').Split('\n');
        return string.Join('\n', lines.TakeLast(TailLines));
    }

    private static string Tail(string stderr, string stdout)
    {
        var tail = ReadTail(stderr);
        var which = "standard error";
        if (tail.Length == 0)
        {
            tail = ReadTail(stdout);
            which = "standard output";
        }

        return tail.Length == 0 ? "; it wrote nothing" : $"; the last lines of its {which}:\n{tail}";
    }

    private async Task UploadLogsAsync(string trackingRunId, RunningTraining training, CancellationToken cancellationToken)
    {
        var root = await tracking.FindRunArtifactUriAsync(trackingRunId, cancellationToken);
        if (root is null)
        {
            return;
        }

        foreach (var (file, name) in new[] { (training.StdoutPath, "stdout.txt"), (training.StderrPath, "stderr.txt") })
        {
            if (ModelSource.ToArtifactPath(ModelSource.Join(root, "logs/" + name)) is not { } path || !File.Exists(file))
            {
                continue;
            }

            await using var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await artifacts.PutAsync(path, content, cancellationToken);
        }
    }
}
