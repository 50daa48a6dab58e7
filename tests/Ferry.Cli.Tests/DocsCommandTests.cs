using Ferry.Cli.Tests.Infrastructure;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry models docs</c> against a real server process: the Annex IV documentation to stdout or a file.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class DocsCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task ModelsDocs_ServedAndMonitoredVersion_WritesMarkdownAndTheHtmlFile()
    {
        using var files = new TempDirectory("docs");
        var model = Unique("cli-docs");
        var endpoint = Unique("cli-docs-ep");
        var monitor = Unique("cli-docs-mon");
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_pipeline.onnx"), "--name", model));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "monitor", "create", monitor, "--endpoint", endpoint, "--window", "1h"));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "card", model, "1", "--set", "intended-use=Scores <loan> applications", "--set", "contest=Write to appeals@bank.example"));

        var markdown = await Server.RunAsync(fixture.AdminToken, "models", "docs", model, "1");
        var page = files.Combine("docs.html");
        var written = await Server.RunAsync(fixture.AdminToken, "models", "docs", model, "1", "--format", "html", "--out", page);

        CliAssert.Succeeded(markdown);
        Assert.Contains($"# Technical documentation: {model} version 1", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains($"| {monitor} | {endpoint} | 1 h |", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("## 7. Change log", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("Write to appeals@bank.example", markdown.Stdout, StringComparison.Ordinal);
        CliAssert.Succeeded(written);
        Assert.Contains($"Wrote the HTML technical documentation of {model} version 1 to {page}", written.Stdout, StringComparison.Ordinal);
        var html = File.ReadAllText(page);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("Scores &lt;loan&gt; applications", html, StringComparison.Ordinal);
        Assert.Contains("No promotion request was made for this version", html, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidArguments, (await Server.RunAsync(fixture.AdminToken, "models", "docs", model, "1", "--format", "pdf")).ExitCode);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
