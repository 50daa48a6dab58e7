using System.Diagnostics;
using System.Text;

namespace Ferry.Testing;

/// <summary>
/// Runs a Python script on Debian's <c>/usr/bin/python3</c> with the real client stack of <c>../shared/python</c>
/// (MLflow 3.11, skl2onnx, onnxmltools) on its path, as <c>../shared/python/env.sh</c> sets it up. <c>.ci/run</c>
/// installs the Debian packages that stack imports.
/// </summary>
public static class SharedPython
{
    /// <summary>Debian's interpreter, the one the shared stack is built for.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>The <c>../shared/python</c> folder beside the checkout.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder is missing.</exception>
    public static string Folder()
    {
        var folder = Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "python"));
        return Directory.Exists(folder) ? folder : throw new DirectoryNotFoundException($"{folder} is missing: the real Python clients live there.");
    }

    /// <summary>
    /// Runs <paramref name="script"/> (a path) with <paramref name="arguments"/> and the extra
    /// <paramref name="environment"/>, and returns its exit code and output. Killed (with its children) after
    /// <paramref name="timeout"/>, which then fails with the output seen so far.
    /// </summary>
    public static async Task<PythonResult> RunAsync(
        string script,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout,
        string? workingDirectory = null)
    {
        var folder = Folder();
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(script)!,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The same order as env.sh: pydantic 2 (image/) and the newer dependencies shadow Debian's older copies.
        start.Environment["PYTHONPATH"] = string.Join(':', new[] { "image", "mlflow-3.11.1", "deps", "pylib" }.Select(part => Path.Combine(folder, part)));
        start.Environment["GIT_PYTHON_REFRESH"] = "quiet";
        start.Environment["MLFLOW_DISABLE_TELEMETRY"] = "true";
        start.Environment["DO_NOT_TRACK"] = "true";
        start.Environment["PYTHONUNBUFFERED"] = "1";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { lock (output) { output.AppendLine(line.Data); } } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { lock (errors) { errors.AppendLine(line.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Path.GetFileName(script)} ran past {timeout}.\nstdout:\n{output}\nstderr:\n{errors}");
        }

        // The asynchronous readers may still hold the last lines: WaitForExit() without a timeout drains them.
        process.WaitForExit();
        return new PythonResult(process.ExitCode, output.ToString(), errors.ToString());
    }
}

/// <summary>What a Python script printed and how it ended.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="Output">Everything it wrote to stdout.</param>
/// <param name="Errors">Everything it wrote to stderr.</param>
public sealed record PythonResult(int ExitCode, string Output, string Errors)
{
    /// <summary>Stdout and stderr together, for a failing assertion's message.</summary>
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
}
