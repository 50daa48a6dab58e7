using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Governance;
using Ferry.Server.Governance.Gates;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Governance.Gates;

/// <summary>The shared credit models and data (../shared/models), and running the quality gates of a real server.</summary>
internal static class GateTestKit
{
    private static readonly string[] Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    /// <summary>The gates this part registers, by name.</summary>
    public static readonly string[] QualityGates = [MetricsGate.GateName, ChampionGate.GateName, FairnessGate.GateName, DriftGate.GateName];

    public static string SharedFile(string name) => Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "models", name));

    /// <summary>gate_expected.json (make_gate_expected.py: scikit-learn on the libraries' own outputs).</summary>
    public static JsonElement Expected { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Governance", "Gates", "gate_expected.json"))).RootElement;

    /// <summary>Registers the shared model files as versions 1, 2, ... of a new registered model.</summary>
    public static async Task<(string Model, int[] Versions)> RegisterAsync(FerryTestServer server, params string[] files)
    {
        var model = Mlflow.Registry.RegistryTestKit.UniqueName("gated");
        var versions = new List<int>();
        foreach (var file in files)
        {
            versions.Add(await ServingTestKit.RegisterAsync(server, model, File.ReadAllBytes(SharedFile(file + ".onnx")), file + ".onnx"));
        }

        return (model, [.. versions]);
    }

    /// <summary>Rows of a CSV as records (numbers parsed as float32, as trained; empty cells null).</summary>
    public static List<JsonObject> Records(string csv)
    {
        var lines = File.ReadAllLines(SharedFile(csv));
        var header = lines[0].Split(',');
        var records = new List<JsonObject>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            var record = new JsonObject();
            for (var j = 0; j < 20; j++)
            {
                record[header[j]] = Categorical.Contains(header[j]) ? JsonValue.Create(cells[j])
                    : cells[j].Length == 0 ? null
                    : JsonValue.Create((double)float.Parse(cells[j], CultureInfo.InvariantCulture));
            }

            records.Add(record);
        }

        return records;
    }

    /// <summary>A label column of test_labels.csv (or train.csv).</summary>
    public static List<string> Labels(string csv, string column)
    {
        var lines = File.ReadAllLines(SharedFile(csv));
        var at = Array.IndexOf(lines[0].Split(','), column);
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[at])];
    }

    /// <summary>Uploads test.csv with a label column of test_labels.csv as the model's holdout dataset.</summary>
    public static async Task<JsonElement> PutTestSetAsync(FerryTestServer server, string model, string dataset, string labelColumn, string? positiveLabel = null)
    {
        var body = new JsonObject
        {
            ["records"] = new JsonArray([.. Records("test.csv").Select(r => (JsonNode)r)]),
            ["labels"] = new JsonArray([.. Labels("test_labels.csv", labelColumn).Select(l => (JsonNode)JsonValue.Create(l))]),
            ["source"] = "shared/models test.csv",
        };
        if (positiveLabel is not null)
        {
            body["positiveLabel"] = positiveLabel;
        }

        using var response = await server.CreateAdminClient().PutAsJsonAsync($"/api/v1/models/{model}/datasets/{dataset}", body);
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>Runs this part's gates, in registration order, as the gate runner would: one scope, one evidence.</summary>
    public static async Task<GateEvidence> EvaluateAsync(FerryTestServer server, GateContext context)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var evidence = new GateEvidence();
        var gates = scope.ServiceProvider.GetServices<IPromotionGate>().Where(g => QualityGates.Contains(g.Name)).ToList();
        Assert.Equal(QualityGates, gates.Select(g => g.Name));
        foreach (var gate in gates)
        {
            await gate.EvaluateAsync(context, evidence, CancellationToken.None);
        }

        return evidence;
    }

    public static GateResult Single(GateEvidence evidence, string gate, string checkStart) =>
        Assert.Single(evidence.Results, r => r.Gate == gate && r.Check.StartsWith(checkStart, StringComparison.Ordinal));

    public static double Number(JsonElement element, params string[] path)
    {
        foreach (var key in path)
        {
            element = element.GetProperty(key);
        }

        return element.GetDouble();
    }
}
