using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ferry.Server.Hosting;

namespace Ferry.Cli.Tests.Infrastructure;

/// <summary>A real <c>ferry server</c> child process on a free loopback port; killed on dispose if still running.</summary>
internal sealed class FerryServerProcess : IDisposable
{
    /// <summary>Bound on start-up and shutdown; only reached when something is broken.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Action<string>? _onLine;

    private FerryServerProcess(Process process, Uri url, string dataDirectory, Action<string>? onLine = null)
    {
        _onLine = onLine;
        _process = process;
        Url = url;
        DataDirectory = dataDirectory;
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public string DataDirectory { get; }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    public string AdminTokenFile => Path.Combine(DataDirectory, "admin.token");

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>ferry server --port P --data-dir D</c> and waits until <c>/readyz</c> answers and the start-up output is complete.</summary>
    public static Task<FerryServerProcess> StartAsync(string dataDirectory) => StartAsync(dataDirectory, null);

    /// <summary>Starts the server as <see cref="StartAsync(string)"/> with extra environment variables (e.g. <c>Ferry__PredictionLog__Capacity</c>).</summary>
    public static Task<FerryServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment) =>
        StartAsync(dataDirectory, environment, []);

    /// <summary>
    /// Starts the server as <see cref="StartAsync(string)"/> with extra environment variables and extra
    /// <c>ferry server</c> arguments (e.g. <c>--database</c>, <c>--artifact-root</c>); <paramref name="onLine"/> sees every
    /// line it writes to standard output, from the first.
    /// </summary>
    public static async Task<FerryServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment, IReadOnlyList<string> arguments, Action<string>? onLine = null)
    {
        var port = FreePort.Next();
        // Tests that are not about governance move champion and deploy directly: models default to tier low unless the caller says otherwise.
        var withTier = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        withTier.TryAdd("Ferry__Governance__DefaultTier", "low");
        var process = FerryCli.Start(["server", "--port", port.ToString(CultureInfo.InvariantCulture), "--data-dir", dataDirectory, .. arguments], withTier);
        var server = new FerryServerProcess(process, new Uri($"http://127.0.0.1:{port}"), dataDirectory, onLine);
        try
        {
            await server.WaitUntilReadyAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The common client arguments for this server.</summary>
    public string[] Client(string token, params string[] args) => [.. args, "--server", Url.OriginalString, "--token", token];

    /// <summary>Runs a client command against this server with <paramref name="token"/>.</summary>
    public Task<CliResult> RunAsync(string token, params string[] args) => FerryCli.RunAsync(Client(token, args));

    /// <summary>Sends SIGTERM (a graceful stop, unlike <see cref="Process.Kill()"/>) and waits for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGKILL (no drain, no shutdown hooks) and waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        using var timeout = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(timeout.Token);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(Patience);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    // The process runs on the real clock, so nothing is polled: its own output says when it is ready. Kestrel's
    // "Now listening on" and Ferry's ready line (after the admin token and default experiment exist, when /readyz
    // answers 200) both arrive through the console logger, so every earlier line is in too. Patience only bounds a hang.
    private async Task WaitUntilReadyAsync()
    {
        try
        {
            await Task.WhenAll(_listening.Task, _ready.Task).WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"ferry server was not ready within {Patience.TotalSeconds} s.\n{Stdout}\n{Stderr}");
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            // End of output: the process exited.
            var exited = new InvalidOperationException($"ferry server exited before it was ready.\n{Stdout}\n{Stderr}");
            _listening.TrySetException(exited);
            _ready.TrySetException(exited);
            return;
        }

        Append(_stdout, line);
        _onLine?.Invoke(line);
        if (line.Contains("Now listening on", StringComparison.Ordinal))
        {
            _listening.TrySetResult();
        }

        if (line.Contains(DatabaseInitializer.ReadyMessage, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            buffer.AppendLine(line);
        }
    }
}
