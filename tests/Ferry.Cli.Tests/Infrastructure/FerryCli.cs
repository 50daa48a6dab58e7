using System.Diagnostics;

namespace Ferry.Cli.Tests.Infrastructure;

/// <summary>
/// Runs the real <c>ferry</c> (the ferry.dll copied into the test output) as a child process, with no
/// <c>FERRY_*</c> variable inherited and HOME pointed at an empty directory, so nothing on this machine leaks in.
/// </summary>
internal static class FerryCli
{
    /// <summary>
    /// Longest a single client command may take before the test fails (a bound, not an assertion on speed): it only
    /// catches a hang, and on a loaded machine <c>ferry ship</c> (a reference job included) runs for minutes.
    /// </summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(240);

    // An empty HOME, so the default ~/.ferry never finds a real admin.token. Tests always pass --data-dir,
    // so nothing is written here and one directory serves every run.
    private static readonly Lazy<string> IsolatedHome = new(() =>
    {
        var home = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ferry-cli-tests-home");
        Directory.CreateDirectory(home);
        return home;
    });

    public static string FerryDll { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "ferry.dll");

    /// <summary>Starts <c>dotnet ferry.dll args</c> with redirected output.</summary>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(FerryDll))
        {
            throw new FileNotFoundException("ferry.dll was not copied next to the tests; is the Ferry.Cli project reference intact?", FerryDll);
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(FerryDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("FERRY_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = IsolatedHome.Value;
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Runs a client command to completion.</summary>
    public static async Task<CliResult> RunAsync(params string[] args) => await RunAsync(args, null);

    /// <summary>Runs a command to completion with extra environment variables.</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        using var process = Start(args, environment);
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return new CliResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'ferry {string.Join(' ', args)}' did not finish within {CommandTimeout.TotalSeconds} s");
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
