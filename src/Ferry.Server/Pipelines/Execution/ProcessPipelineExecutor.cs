using System.Diagnostics;
using System.Globalization;
using Ferry.Core.Pipelines;

namespace Ferry.Server.Pipelines.Execution;

/// <summary>
/// The embedded executor: runs a training command as a child process of the server (no shell; arguments through
/// <see cref="ProcessStartInfo.ArgumentList"/>), streams its standard output and error to files as they come (each
/// capped at <see cref="MaxLogBytes"/>, the cut said in the file), kills the whole process tree at the timeout (on
/// <see cref="TimeProvider"/>'s clock), and on Linux applies the memory (<c>--as</c>) and CPU-time (<c>--cpu</c>) limits
/// through util-linux's <c>prlimit</c> when it is on PATH; without it the log says the limits were not applied.
/// </summary>
public sealed class ProcessPipelineExecutor(TimeProvider clock) : IPipelineExecutor
{
    /// <summary>The most bytes kept of each of standard output and standard error (10 MiB).</summary>
    public const long MaxLogBytes = 10L * 1024 * 1024;

    private static readonly Lazy<string?> Prlimit = new(() => FindOnPath("prlimit"));

    /// <inheritdoc />
    public string Kind => "process";

    /// <inheritdoc />
    public async Task<IPipelineExecution> StartAsync(PipelineExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Directory.Exists(request.WorkingDirectory))
        {
            throw new PipelineExecutionException($"the working directory '{request.WorkingDirectory}' does not exist");
        }

        var notes = new List<string>();
        var info = new ProcessStartInfo
        {
            WorkingDirectory = request.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var limits = new List<string>();
        if (request.MemoryLimitMb is { } memory)
        {
            limits.Add("--as=" + (memory * 1024L * 1024L).ToString(CultureInfo.InvariantCulture));
        }

        if (request.CpuLimitSeconds is { } cpu)
        {
            limits.Add("--cpu=" + cpu.ToString(CultureInfo.InvariantCulture));
        }

        if (limits.Count > 0 && OperatingSystem.IsLinux() && Prlimit.Value is { } prlimit)
        {
            info.FileName = prlimit;
            foreach (var limit in limits)
            {
                info.ArgumentList.Add(limit);
            }

            info.ArgumentList.Add("--");
            info.ArgumentList.Add(request.Executable);
            notes.Add($"resource limits applied through {prlimit}: {string.Join(' ', limits)}");
        }
        else
        {
            info.FileName = request.Executable;
            if (limits.Count > 0)
            {
                notes.Add($"resource limits NOT applied ({string.Join(' ', limits)}): " +
                    (OperatingSystem.IsLinux() ? "prlimit (util-linux) is not on PATH" : "the process executor applies them on Linux only"));
            }
        }

        foreach (var argument in request.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in request.Environment)
        {
            info.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(request.StdoutPath))!);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(request.StderrPath))!);
        var stdout = new FileStream(request.StdoutPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        var stderr = new FileStream(request.StderrPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        foreach (var note in notes)
        {
            var line = System.Text.Encoding.UTF8.GetBytes($"[ferry] {note}\n");
            await stdout.WriteAsync(line, cancellationToken);
        }

        await stdout.FlushAsync(cancellationToken);
        var process = new Process { StartInfo = info };
        try
        {
            if (!process.Start())
            {
                throw new PipelineExecutionException($"'{request.Executable}' did not start");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            await stdout.DisposeAsync();
            await stderr.DisposeAsync();
            throw new PipelineExecutionException($"'{request.Executable}' could not be started: {e.Message}", e);
        }

        process.StandardInput.Close();
        return new ProcessExecution(request, process, stdout, stderr, notes, clock);
    }

    /// <summary>The full path of <paramref name="name"/> in a PATH directory, or null.</summary>
    internal static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Join(directory, name))
            .FirstOrDefault(File.Exists);

    private sealed class ProcessExecution : IPipelineExecution
    {
        private readonly Process _process;
        private readonly ITimer _timer;
        private readonly Task<PipelineExecutionResult> _completion;
        private int _killReason; // 0 none, 1 timeout, 2 cancel

        public ProcessExecution(PipelineExecutionRequest request, Process process, FileStream stdout, FileStream stderr, IReadOnlyList<string> notes, TimeProvider clock)
        {
            Key = request.Key;
            Notes = notes;
            _process = process;
            var pumps = Task.WhenAll(
                PumpAsync(process.StandardOutput.BaseStream, stdout, "standard output"),
                PumpAsync(process.StandardError.BaseStream, stderr, "standard error"));
            _timer = clock.CreateTimer(_ => Kill(1), null, request.Timeout, Timeout.InfiniteTimeSpan);
            _completion = CompleteAsync(pumps);
        }

        public string Key { get; }

        public IReadOnlyList<string> Notes { get; }

        public PipelineExecutionResult? Result { get; private set; }

        public Task<PipelineExecutionResult> WaitAsync(CancellationToken cancellationToken = default) =>
            _completion.WaitAsync(cancellationToken);

        public async Task CancelAsync()
        {
            Kill(2);
            await _completion;
        }

        public async ValueTask DisposeAsync()
        {
            Kill(2);
            try
            {
                await _completion;
            }
            finally
            {
                await _timer.DisposeAsync();
                _process.Dispose();
            }
        }

        private void Kill(int reason)
        {
            if (Interlocked.CompareExchange(ref _killReason, reason, 0) != 0)
            {
                return;
            }

            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }

        private async Task<PipelineExecutionResult> CompleteAsync(Task pumps)
        {
            await _process.WaitForExitAsync();
            await pumps;
            await _timer.DisposeAsync();
            var reason = Interlocked.CompareExchange(ref _killReason, 0, 0);
            var result = new PipelineExecutionResult(_process.ExitCode, reason == 1, reason == 2);
            Result = result;
            return result;
        }

        private static async Task PumpAsync(Stream source, FileStream target, string what)
        {
            var buffer = new byte[81920];
            var written = 0L;
            var truncated = false;
            await using (target)
            {
                int read;
                while ((read = await source.ReadAsync(buffer)) > 0)
                {
                    if (truncated)
                    {
                        continue;
                    }

                    var keep = (int)Math.Min(read, MaxLogBytes - written);
                    await target.WriteAsync(buffer.AsMemory(0, keep));
                    written += keep;
                    if (keep < read)
                    {
                        truncated = true;
                        var note = System.Text.Encoding.UTF8.GetBytes($"\n[ferry] {what} truncated here: only its first {MaxLogBytes / (1024 * 1024)} MiB are kept\n");
                        await target.WriteAsync(note);
                    }

                    await target.FlushAsync();
                }
            }
        }
    }
}
