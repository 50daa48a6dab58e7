using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Ferry.Client.Tracking;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry experiments</c> and <c>ferry runs</c> against a real <c>ferry server</c> process.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class TrackingCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task ExperimentsListAndShow_ByNameOrId_PrintMlflowJson()
    {
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var experiment = await client.Tracking.GetOrCreateExperimentAsync($"cli-exp-{Guid.NewGuid():N}");

        var list = Read(await Server.RunAsync(fixture.AdminToken, "experiments", "list", "--output", "json"));
        Assert.Contains(list.GetProperty("experiments").EnumerateArray(), e => e.GetProperty("experiment_id").GetString() == experiment.ExperimentId);

        foreach (var key in new[] { experiment.Name, experiment.ExperimentId })
        {
            var shown = Read(await Server.RunAsync(fixture.AdminToken, "experiments", "show", key, "--output", "json")).GetProperty("experiment");
            Assert.Equal(experiment.Name, shown.GetProperty("name").GetString());
            Assert.Equal($"mlflow-artifacts:/{experiment.ExperimentId}", shown.GetProperty("artifact_location").GetString());
        }

        var table = await Server.RunAsync(fixture.AdminToken, "experiments", "list");
        CliAssert.Succeeded(table);
        Assert.Contains(experiment.Name, table.Stdout, StringComparison.Ordinal);
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "experiments", "show", "no-such-experiment-here"), ExitCodes.NotFound, "no-such-experiment-here");
    }

    [Fact]
    public async Task RunsList_FiltersAndOrders_AndShowPrintsOneRun()
    {
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var experiment = await client.Tracking.GetOrCreateExperimentAsync($"cli-runs-{Guid.NewGuid():N}");
        var ids = new Dictionary<string, string>();
        foreach (var (name, model, auc) in new[] { ("a", "gbm", 0.95), ("b", "gbm", 0.97), ("c", "logreg", 0.99), ("d", "gbm", 0.80) })
        {
            await using var run = await client.Tracking.StartActiveRunAsync(experiment.ExperimentId, name);
            await run.LogParamAsync("model", model);
            await run.LogMetricAsync("auc", auc);
            ids[name] = run.RunId;
        }

        var page = Read(await Server.RunAsync(fixture.AdminToken, "runs", "list", "--experiment", experiment.Name,
            "--filter", "metrics.auc > 0.9 and params.model = 'gbm'", "--order-by", "metrics.auc DESC", "--output", "json"));
        var found = page.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()!).ToArray();
        Assert.Equal(new[] { ids["b"], ids["a"] }, found);

        var all = Read(await Server.RunAsync(fixture.AdminToken, "runs", "list", "-e", experiment.ExperimentId, "--output", "json"));
        Assert.Equal(4, all.GetProperty("runs").GetArrayLength());

        var shown = Read(await Server.RunAsync(fixture.AdminToken, "runs", "show", ids["c"], "--output", "json")).GetProperty("run");
        Assert.Equal("c", shown.GetProperty("info").GetProperty("run_name").GetString());
        Assert.Equal("FINISHED", shown.GetProperty("info").GetProperty("status").GetString());
        var run2 = JsonSerializer.Deserialize<Run>(shown.GetRawText(), MlflowJson.Options)!;
        Assert.Equal(0.99, run2.Data.Metric("auc"));
        Assert.Equal("logreg", run2.Data.Param("model"));

        var table = await Server.RunAsync(fixture.AdminToken, "runs", "show", ids["c"]);
        CliAssert.Succeeded(table);
        Assert.Contains("logreg", table.Stdout, StringComparison.Ordinal);
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "runs", "show", "0123456789abcdef0123456789abcdef"), ExitCodes.NotFound);
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "runs", "list", "-e", experiment.Name, "--filter", "metrics.auc >>> 1"), ExitCodes.InvalidArguments);
    }

    private static JsonElement Read(CliResult result)
    {
        CliAssert.Succeeded(result);
        return JsonSerializer.Deserialize<JsonElement>(result.Stdout);
    }
}
