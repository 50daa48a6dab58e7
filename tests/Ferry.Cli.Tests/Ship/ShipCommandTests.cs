using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Ferry.Client.Serving;
using Ferry.Testing;
using static Ferry.Cli.Tests.Infrastructure.CliAssert;
using TempDirectory = Ferry.Cli.Tests.Infrastructure.TempDirectory;

namespace Ferry.Cli.Tests.Ship;

/// <summary>
/// Issue 22's <c>ferry ship</c> done-when on SQLite and PostgreSQL, against a real <c>ferry server</c> process: one
/// command turns the shared credit pipeline and its training file into an endpoint whose predictions are explained and
/// whose default monitors run; a second run changes nothing.
/// </summary>
public abstract class ShipFlowTests(DatabaseKind kind)
{
    [SkippableFact]
    public async Task Ship_CreditPipeline_ServesExplainedPredictions_MonitorsRun_AndAgainChangesNothing()
    {
        DatabaseRequirement.EnsureAvailable(kind);
        await using var database = await TestDatabase.CreateAsync(kind);
        using var data = new TempDirectory("ferry-ship");
        using var server = await FerryServerProcess.StartAsync(data.Path, new Dictionary<string, string> { ["FERRY_DATABASE"] = database.ConnectionString });
        var admin = (await File.ReadAllTextAsync(server.AdminTokenFile)).Trim();
        var reference = ShipFiles.Reference(data.Path, rows: 400);

        var first = ShipFiles.Json(Succeeded(await server.RunAsync(admin, "ship", SharedCreditRows.File("lr_pipeline.onnx"),
            "--name", "credit", "--reference", reference, "--label", "default", "--output", "json")));
        Assert.True(first.GetProperty("changed").GetBoolean());
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("credit", first.GetProperty("endpoint").GetString());
        Assert.Equal(["created", "created", "created", "created", "passed"], ShipFiles.Outcomes(first));
        // The training file's other targets are not the model's inputs: left out, and said so.
        Assert.Contains("grade, loss", ShipFiles.Detail(first, "reference"), StringComparison.Ordinal);
        Assert.Contains("CBPE", ShipFiles.Detail(first, "reference"), StringComparison.Ordinal);
        Assert.EndsWith("/ui/endpoints/credit", first.GetProperty("links").GetProperty("dashboard").GetString(), StringComparison.Ordinal);
        Assert.Contains("/api/v1/endpoints/credit/predict?explain=true", first.GetProperty("curl").GetString(), StringComparison.Ordinal);

        // Predictions answer with explanations (durable, so the rows are logged when the answer comes).
        Succeeded(await server.RunAsync(admin, "endpoints", "durability", "credit", "durable"));
        var records = SharedCreditRows.Complete().Take(60).ToList();
        using var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var answer = await http.PostAsJsonAsync("/api/v1/endpoints/credit/predict?explain=true", new JsonObject { ["records"] = new JsonArray([.. records]) });
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, body);
        var predictions = JsonDocument.Parse(body).RootElement.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(records.Count, predictions.Count);
        Assert.All(predictions, p => Assert.Equal(20, p.GetProperty("explanation").GetProperty("attributions").GetArrayLength()));

        // The default monitors exist, scheduled; labels arrive; a run of each produces a report over the served rows.
        using var ferry = new FerryClient(server.Url, admin);
        var monitors = (await ferry.Monitoring.ListMonitorsAsync()).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(["credit-drift", "credit-performance"], monitors.Select(m => m.Name));
        Assert.All(monitors, m => Assert.NotNull(m.Spec.Schedule));
        Assert.NotNull(monitors[0].Spec.Drift);
        Assert.NotNull(monitors[0].Spec.Quality);
        Assert.Equal("roc_auc", monitors[1].Spec.Performance!.Metric);
        Assert.True(monitors[1].Spec.Performance!.Estimate);
        var labels = File.ReadAllLines(SharedCreditRows.File("test_labels.csv")).Skip(1).Select(l => l.Split(',')[0]).ToList();
        var complete = CompleteRowIndexes().Take(records.Count).ToList();
        // Labels for the first 40 rows: realized performance on them, CBPE's estimate for the 20 still unlabelled.
        var feedback = predictions.Take(40).Select((p, i) => new Feedback(p.GetProperty("id").GetString()!, labels[complete[i]])).ToList();
        Assert.Equal(feedback.Count, await ferry.Predictions.SendFeedbackAsync("credit", feedback));
        foreach (var monitor in monitors)
        {
            var run = await server.RunAsync(admin, "monitor", "run", monitor.Name, "--output", "json");
            Assert.True(run.ExitCode is ExitCodes.Success or ExitCodes.Failure, run.ToString());
            var root = JsonDocument.Parse(run.Stdout).RootElement;
            Assert.NotEqual("not_enough_data", root.GetProperty("status").GetString());
            var report = root.GetProperty("report");
            Assert.Equal(records.Count, report.GetProperty("rows").GetInt32());
            string[] sections = monitor.Name.EndsWith("-drift", StringComparison.Ordinal) ? ["drift", "quality"] : ["performance", "estimated"];
            foreach (var section in sections)
            {
                Assert.Equal(section == "quality" ? JsonValueKind.Array : JsonValueKind.Object, report.GetProperty(section).ValueKind);
            }
        }

        // Shipping the same file again changes nothing: same version, no new monitors, and the output says so.
        var again = await server.RunAsync(admin, "ship", SharedCreditRows.File("lr_pipeline.onnx"), "--name", "credit", "--reference", reference, "--label", "default");
        Succeeded(again);
        Assert.Contains("Nothing changed: credit v1", again.Stdout, StringComparison.Ordinal);
        var againJson = ShipFiles.Json(Succeeded(await server.RunAsync(admin, "ship", SharedCreditRows.File("lr_pipeline.onnx"),
            "--name", "credit", "--reference", reference, "--label", "default", "--output", "json")));
        Assert.False(againJson.GetProperty("changed").GetBoolean());
        Assert.Equal(1, againJson.GetProperty("version").GetInt32());
        Assert.Equal(["unchanged", "unchanged", "unchanged", "unchanged", "passed"], ShipFiles.Outcomes(againJson));
        Assert.Equal(2, (await ferry.Monitoring.ListMonitorsAsync()).Count);
    }

    /// <summary>The indexes (in test.csv) of the rows <see cref="SharedCreditRows.Complete"/> returns, to find their labels.</summary>
    private static IEnumerable<int> CompleteRowIndexes()
    {
        var lines = File.ReadAllLines(SharedCreditRows.File("test.csv")).Skip(1).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length > 0 && !lines[i].Contains(",,", StringComparison.Ordinal) && !lines[i].EndsWith(','))
            {
                yield return i;
            }
        }
    }
}

/// <summary>The flow on the embedded SQLite database.</summary>
public sealed class SqliteShipFlowTests() : ShipFlowTests(DatabaseKind.Sqlite);

/// <summary>The flow on PostgreSQL (skipped without <c>FERRY_TEST_POSTGRES</c>).</summary>
public sealed class PostgresShipFlowTests() : ShipFlowTests(DatabaseKind.PostgreSql);

/// <summary><c>ferry ship</c>'s canary, a changed file, and its refusals, against the shared server.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class ShipCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task Ship_Canary_PutsTheNewVersionBesideTheCurrentOne()
    {
        using var files = new TempDirectory("ship-canary");
        var name = Unique("ship-canary");
        var reference = ShipFiles.Reference(files.Path, rows: 200);
        Succeeded(await Server.RunAsync(fixture.AdminToken, "ship", SharedCreditRows.File("lr_pipeline.onnx"), "--name", name, "--reference", reference, "--label", "default"));

        // Another file is another version: with --canary it gets a share beside v1, which keeps the rest.
        var canary = ShipFiles.Json(Succeeded(await Server.RunAsync(fixture.AdminToken, "ship", SharedCreditRows.File("gbc_pipeline.onnx"),
            "--name", name, "--reference", reference, "--label", "default", "--canary", "--weight", "20", "--output", "json")));
        Assert.Equal(2, canary.GetProperty("version").GetInt32());
        Assert.Equal(["created", "created", "switched", "unchanged", "passed"], ShipFiles.Outcomes(canary));
        using var ferry = new FerryClient(Server.Url, fixture.AdminToken);
        var routes = (await ferry.Endpoints.GetAsync(name)).Routes.OrderBy(r => r.Version).ToList();
        Assert.Equal([(1, 80), (2, 20)], routes.Select(r => (r.Version ?? 0, r.Weight)));
        Assert.All(routes, r => Assert.Equal(DeployRoute.Weighted, r.Role));

        // Again with --canary: already beside v1, nothing changes.
        var same = ShipFiles.Json(Succeeded(await Server.RunAsync(fixture.AdminToken, "ship", SharedCreditRows.File("gbc_pipeline.onnx"),
            "--name", name, "--reference", reference, "--label", "default", "--canary", "--weight", "20", "--output", "json")));
        Assert.False(same.GetProperty("changed").GetBoolean());

        // Without --canary the endpoint switches to v2 alone.
        var switched = ShipFiles.Json(Succeeded(await Server.RunAsync(fixture.AdminToken, "ship", SharedCreditRows.File("gbc_pipeline.onnx"),
            "--name", name, "--reference", reference, "--label", "default", "--output", "json")));
        Assert.Equal("switched", ShipFiles.Outcomes(switched)[2]);
        var after = (await ferry.Endpoints.GetAsync(name)).Routes;
        Assert.Equal((2, 100), (after.Single().Version ?? 0, after.Single().Weight));
    }

    [Fact]
    public async Task Ship_FileRegisteredWithoutShip_IsReusedBySha256()
    {
        using var files = new TempDirectory("ship-reuse");
        var name = Unique("ship-reuse");
        var reference = ShipFiles.Reference(files.Path, rows: 200);
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", SharedCreditRows.File("lr_pipeline.onnx"), "--name", name));

        var shipped = ShipFiles.Json(Succeeded(await Server.RunAsync(fixture.AdminToken, "ship", SharedCreditRows.File("lr_pipeline.onnx"),
            "--name", name, "--reference", reference, "--label", "default", "--output", "json")));
        Assert.Equal(1, shipped.GetProperty("version").GetInt32());
        Assert.Equal("unchanged", ShipFiles.Outcomes(shipped)[0]);
        Assert.Contains("same content", ShipFiles.Detail(shipped, "register"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ship_BadInput_FailsWithOneLineAndExitCode_BeforeRegisteringAnything()
    {
        using var files = new TempDirectory("ship-bad");
        var name = Unique("ship-bad");
        var reference = ShipFiles.Reference(files.Path, rows: 50);
        var noLabel = files.Combine("no-label.csv");
        File.WriteAllLines(noLabel, File.ReadAllLines(reference).Select(l => string.Join(',', l.Split(',')[..20])));

        FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "ship", files.Combine("missing.onnx"), "--name", name, "--reference", reference, "--label", "default"),
            ExitCodes.InvalidArguments, "no such file or directory", "missing.onnx");
        FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "ship", SharedCreditRows.File("lr_pipeline.onnx"), "--name", name, "--reference", files.Combine("missing.csv"), "--label", "default"),
            ExitCodes.InvalidArguments, "no such file", "missing.csv");
        FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "ship", SharedCreditRows.File("lr_pipeline.onnx"), "--name", name, "--reference", noLabel, "--label", "default"),
            ExitCodes.InvalidArguments, "--label", "no-label.csv has no column 'default'");
        FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "ship", files.Path, "--name", name, "--reference", reference, "--label", "default"),
            ExitCodes.InvalidArguments, "without an MLmodel file");
        FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "ship", "models:/" + name, "--name", name, "--reference", reference, "--label", "default"),
            ExitCodes.InvalidArguments, "models:/<name>/<version>");
        FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "ship", SharedCreditRows.File("lr_pipeline.onnx"), "--name", name, "--reference", reference, "--label", "default", "--weight", "5"),
            ExitCodes.InvalidArguments, "--weight", "--canary");
        // A version that does not exist is the server's 404.
        FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "ship", $"models:/{name}/7", "--name", name, "--reference", reference, "--label", "default"),
            ExitCodes.NotFound);

        // Nothing was registered along the way.
        using var ferry = new FerryClient(Server.Url, fixture.AdminToken);
        Assert.Null(await ferry.Registry.FindRegisteredModelAsync(name));
    }

    [Fact]
    public async Task Ship_GovernedModel_IsRefusedWithWhatToDo_AndTierLowServesIt()
    {
        using var data = new TempDirectory("ship-governed");
        using var governed = await FerryServerProcess.StartAsync(data.Path, new Dictionary<string, string> { ["Ferry__Governance__DefaultTier"] = "medium" });
        var admin = (await File.ReadAllTextAsync(governed.AdminTokenFile)).Trim();
        var reference = ShipFiles.Reference(data.Path, rows: 200);

        // A model at the installation's default tier (medium) needs an approved promotion before a version serves.
        FailedWithOneLine(await governed.RunAsync(admin, "ship", SharedCreditRows.File("lr_pipeline.onnx"), "--name", "credit", "--reference", reference, "--label", "default"),
            ExitCodes.Failure, "promotion policy", "--tier low", "ferry promote request credit 1");

        // --tier low (an admin's decision) sets the model's tier, then the same version serves: registered and referenced once.
        var shipped = ShipFiles.Json(Succeeded(await governed.RunAsync(admin, "ship", SharedCreditRows.File("lr_pipeline.onnx"),
            "--name", "credit", "--reference", reference, "--label", "default", "--tier", "low", "--output", "json")));
        Assert.Equal(["unchanged", "unchanged", "created", "created", "passed"], ShipFiles.Outcomes(shipped));
        Assert.Contains("promotion tier set to low", ShipFiles.Detail(shipped, "deploy"), StringComparison.Ordinal);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}

/// <summary>Files and JSON reading shared by the ship tests.</summary>
internal static class ShipFiles
{
    /// <summary>The first <paramref name="rows"/> rows of the shared train.csv: 20 features, <c>default</c>, and two other targets.</summary>
    public static string Reference(string directory, int rows)
    {
        var path = Path.Combine(directory, "train.csv");
        File.WriteAllLines(path, File.ReadAllLines(SharedCreditRows.File("train.csv")).Take(rows + 1));
        return path;
    }

    public static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.Clone();

    public static string[] Outcomes(JsonElement report) =>
        [.. report.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("outcome").GetString()!)];

    public static string Detail(JsonElement report, string step) =>
        report.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("step").GetString() == step).GetProperty("detail").GetString()!;
}
