namespace Ferry.Core.Pipelines;

/// <summary>
/// Port: runs a pipeline's training command somewhere (a child process of the server, or later a Kubernetes Job) and
/// hands back an <see cref="IPipelineExecution"/> to poll, await or cancel. docs/loop/pipelines.md shows how a
/// Kubernetes Job maps onto it.
/// </summary>
public interface IPipelineExecutor
{
    /// <summary>The <see cref="TrainingCommand.Executor"/> value this executor runs (<c>process</c>, <c>kubernetes</c>).</summary>
    string Kind { get; }

    /// <summary>
    /// Starts <paramref name="request"/>; returns once the command runs (its timeout counts from then). Throws
    /// <see cref="PipelineExecutionException"/> when it cannot start (no such executable, working directory missing).
    /// </summary>
    Task<IPipelineExecution> StartAsync(PipelineExecutionRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What to run and how.</summary>
/// <param name="Key">Identifies the execution (the pipeline run's id): one execution per key at a time.</param>
/// <param name="Executable">The program (a path, or a name looked up on PATH).</param>
/// <param name="Arguments">Its arguments, passed as they are (no shell).</param>
/// <param name="WorkingDirectory">Where it runs (must exist).</param>
/// <param name="Environment">Variables added to (or replacing those of) the server's environment.</param>
/// <param name="Timeout">Killed, with its whole process tree, after this long.</param>
/// <param name="MemoryLimitMb">Address-space limit in MiB, or null.</param>
/// <param name="CpuLimitSeconds">CPU-time limit in seconds, or null.</param>
/// <param name="StdoutPath">The file standard output is written to as it comes.</param>
/// <param name="StderrPath">The file standard error is written to as it comes.</param>
public sealed record PipelineExecutionRequest(
    string Key,
    string Executable,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Timeout,
    int? MemoryLimitMb,
    int? CpuLimitSeconds,
    string StdoutPath,
    string StderrPath);

/// <summary>How an execution ended.</summary>
/// <param name="ExitCode">The exit code (a killed process reports the executor's, e.g. 137), or null when unknown.</param>
/// <param name="TimedOut">Killed at the timeout.</param>
/// <param name="Cancelled">Killed by <see cref="IPipelineExecution.CancelAsync"/>.</param>
public sealed record PipelineExecutionResult(int? ExitCode, bool TimedOut, bool Cancelled);

/// <summary>A started training command.</summary>
public interface IPipelineExecution : IAsyncDisposable
{
    /// <summary>The request's key.</summary>
    string Key { get; }

    /// <summary>Notes about how it runs (e.g. "resource limits not applied: prlimit not found"), empty when none.</summary>
    IReadOnlyList<string> Notes { get; }

    /// <summary>The result once it has ended, else null.</summary>
    PipelineExecutionResult? Result { get; }

    /// <summary>Completes when it has ended (and its output is flushed to the log files).</summary>
    Task<PipelineExecutionResult> WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Kills it (the whole process tree) and waits for it to end; nothing when it already has.</summary>
    Task CancelAsync();
}

/// <summary>A training command could not be started.</summary>
/// <param name="message">Why.</param>
/// <param name="inner">The cause.</param>
public sealed class PipelineExecutionException(string message, Exception? inner = null) : Exception(message, inner);
