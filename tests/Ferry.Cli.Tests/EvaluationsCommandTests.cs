using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Ferry.Client.Pipelines;
using Ferry.Client.Serving;

namespace Ferry.Cli.Tests;

/// <summary>
/// <c>ferry evaluations list|show</c> and <c>EvaluationsClient</c> against a real server process: rf_pipeline (version 1)
/// serves, the complete rows of ../shared/models test.csv are predicted and labelled, and lr_pipeline (version 2) is
/// evaluated against it by hand.
/// </summary>
[Collection(SharedServerDefinition.Name)]
public sealed class EvaluationsCommandTests(SharedServerFixture fixture)
{
    /// <summary>A window around any time the test runs (its endpoint is new, so it holds only this test's rows).</summary>
    private static readonly (DateTimeOffset From, DateTimeOffset To) Whenever = (new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static readonly string[] Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task EvaluationsListAndShow_ManualEvaluation_PrintMetricsTestsAndVerdict()
    {
        var model = Unique("cli-eval");
        var endpoint = Unique("cli-eval-ep");
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Shared("rf_pipeline.onnx"), "--name", model));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Shared("lr_pipeline.onnx"), "--name", model));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var (records, labels) = CompleteRows();
        var predictions = await client.Predictions.PredictAsync(endpoint, records);
        await client.Predictions.SendFeedbackAsync(endpoint, [.. predictions.Select((p, i) => new Feedback(p.Id, labels[i]))]);

        var evaluation = await client.Evaluations.EvaluateAsync(endpoint,
            new EvaluateRequest(new VersionRef(model, 2), null, Whenever.From, Whenever.To, BootstrapSamples: 200, FairnessAttribute: "employment_type"));

        Assert.Equal((1, 2, records.Count), (evaluation.ChampionVersion, evaluation.ChallengerVersion, evaluation.Rows));
        Assert.Equal("delong", evaluation.PairedTest);
        var list = await Server.RunAsync(fixture.AdminToken, "evaluations", "list", "--endpoint", endpoint, "--output", "json");
        var listed = JsonDocument.Parse(CliAssert.Succeeded(list).Stdout).RootElement.GetProperty("evaluations");
        Assert.Equal(evaluation.Id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetGuid());

        var show = CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "evaluations", "show", evaluation.Id.ToString()));
        Assert.Contains($"Verdict: {evaluation.Verdict} (roc_auc, delong p = ", show.Stdout, StringComparison.Ordinal);
        foreach (var expected in new[] { "roc_auc", "accuracy", "mcnemar", "log_loss", "paired-bootstrap", "Fairness by employment_type", "Jensen–Shannon" })
        {
            Assert.Contains(expected, show.Stdout, StringComparison.Ordinal);
        }

        var json = JsonDocument.Parse(CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "evaluations", "show", evaluation.Id.ToString(), "--output", "json")).Stdout);
        Assert.Equal(evaluation.ChallengerValue, json.RootElement.GetProperty("challengerValue").GetDouble());
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "evaluations", "show", Guid.NewGuid().ToString()), ExitCodes.NotFound);
    }

    /// <summary>test.csv's rows without missing cells (numbers as float32, as trained) and their <c>default</c> labels.</summary>
    private static (List<IReadOnlyDictionary<string, object?>> Records, List<string> Labels) CompleteRows()
    {
        var lines = File.ReadAllLines(Shared("test.csv"));
        var labelLines = File.ReadAllLines(Shared("test_labels.csv"));
        var header = lines[0].Split(',');
        var at = Array.IndexOf(labelLines[0].Split(','), "default");
        var records = new List<IReadOnlyDictionary<string, object?>>();
        var labels = new List<string>();
        for (var i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (lines[i].Length == 0 || cells.Any(c => c.Length == 0))
            {
                continue;
            }

            var record = new Dictionary<string, object?>();
            for (var j = 0; j < header.Length; j++)
            {
                record[header[j]] = Categorical.Contains(header[j]) ? cells[j] : (double)float.Parse(cells[j], CultureInfo.InvariantCulture);
            }

            records.Add(record);
            labels.Add(labelLines[i].Split(',')[at]);
        }

        return (records, labels);
    }

    private static string Shared(string name) => Path.GetFullPath(Path.Combine(Ferry.Testing.RepositoryRoot.Find(), "..", "shared", "models", name));

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
