using System.Diagnostics;

namespace Ferry.Testing;

/// <summary>
/// A PostgreSQL cluster of a test's own, made by <c>eng/postgres.sh</c> under a fresh <c>FERRY_PG_STATE</c> directory, that
/// the test may stop (<see cref="PauseAsync"/>) and start again (<see cref="ResumeAsync"/>) without touching the shared
/// server of <c>FERRY_TEST_POSTGRES</c>. Removed on dispose.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private readonly TempDirectory _state;

    private ThrowawayPostgres(TempDirectory state, string connectionString)
    {
        _state = state;
        ConnectionString = connectionString;
    }

    /// <summary>The cluster's <c>postgres</c> database (user <c>ferry</c>, trust authentication on 127.0.0.1).</summary>
    public string ConnectionString { get; }

    /// <summary>Initialises and starts a cluster.</summary>
    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var state = new TempDirectory("ferry-pg-own");
        try
        {
            var output = await RunAsync(state.Path, "start");
            const string prefix = "export FERRY_TEST_POSTGRES='";
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
                ?? throw new InvalidOperationException("eng/postgres.sh start printed no connection string: " + output);
            return new ThrowawayPostgres(state, line[prefix.Length..].TrimEnd('\'', '\r'));
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server (fast shutdown: sessions are terminated), keeping its data: a database outage.</summary>
    public Task PauseAsync() => RunAsync(_state.Path, "pause");

    /// <summary>Starts the server again on the same port.</summary>
    public Task ResumeAsync() => RunAsync(_state.Path, "resume");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(_state.Path, "stop");
        }
        finally
        {
            _state.Dispose();
        }
    }

    private static async Task<string> RunAsync(string stateDirectory, string verb)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot.Find(), "eng", "postgres.sh"), verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["FERRY_PG_STATE"] = stateDirectory;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run eng/postgres.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"eng/postgres.sh {verb} did not finish within {Bound.TotalMinutes} min");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"eng/postgres.sh {verb} exited {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
