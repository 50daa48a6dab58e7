using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Explain;

/// <summary>
/// The exporter-made pipelines of ../shared/models (skl2onnx / onnxmltools: Imputer, Scaler, OneHotEncoder, Concat,
/// Reshape, then trees or a linear classifier) are explained exactly through the API, per raw column, never by the
/// KernelSHAP fallback; a graph the tracer cannot follow falls back and says which node stopped it.
/// </summary>
public sealed class SharedModelExplainTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static readonly string[] Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    [Theory]
    [InlineData("gbc_pipeline", "tree-path-dependent", "log-odds")]
    [InlineData("gbc_pipeline_zipmap", "tree-path-dependent", "log-odds")]
    [InlineData("xgb_pipeline", "tree-path-dependent", "log-odds")]
    [InlineData("rf_pipeline", "tree-path-dependent", "probability")]
    [InlineData("hgb_pipeline", "tree-path-dependent", "log-odds")]
    [InlineData("loss_regressor", "tree-path-dependent", "value")]
    [InlineData("lr_pipeline", "linear-exact", "log-odds")]
    public async Task ExporterPipeline_IsExplainedExactlyPerRawColumn_NotByKernelShap(string file, string method, string space)
    {
        var endpoint = await DeployWithReferenceAsync(File.ReadAllBytes(SharedFile(file + ".onnx")), file + ".onnx");
        var records = Rows("test.csv").Take(8).ToList();

        var explanations = (await ExplainAsync(endpoint, records)).GetProperty("explanations").EnumerateArray().ToList();

        Assert.Equal(records.Count, explanations.Count);
        foreach (var e in explanations)
        {
            Assert.Equal(method, e.GetProperty("method").GetString());
            Assert.Equal(space, e.GetProperty("space").GetString());
            var attributions = e.GetProperty("attributions").EnumerateArray().ToList();
            Assert.Equal(records[0].Select(p => p.Key).Order(StringComparer.Ordinal),
                attributions.Select(a => a.GetProperty("feature").GetString()!).Order(StringComparer.Ordinal));
            var sum = e.GetProperty("baseValue").GetDouble() + attributions.Sum(a => a.GetProperty("contribution").GetDouble());
            Assert.Equal(e.GetProperty("output").GetDouble(), sum, 6);
        }
    }

    [Fact]
    public async Task UntraceableGraph_FallsBackToKernelShap_AndTheAnswerNamesTheNode()
    {
        // gbc_pipeline with its Imputer replaced by Abs: ONNX Runtime runs it, the tracer cannot follow it.
        var bytes = File.ReadAllBytes(SharedFile("gbc_pipeline.onnx"));
        var patched = ReplaceImputerWithAbs(bytes, out var nodeName);
        // KernelSHAP explains the reference for the card's importance: a small reference keeps that short.
        var endpoint = await DeployWithReferenceAsync(patched, "gbc_abs.onnx", referenceRows: 30);

        var explanation = (await ExplainAsync(endpoint, Rows("test.csv").Take(1), "?samples=64")).GetProperty("explanations")[0];

        Assert.Equal("kernel-shap", explanation.GetProperty("method").GetString());
        Assert.Contains($"'Abs' (node '{nodeName}')", explanation.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    private static string SharedFile(string name) =>
        Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "models", name));

    /// <summary>The ONNX bytes with the Imputer node replaced by an attribute-less Abs node.</summary>
    private static byte[] ReplaceImputerWithAbs(byte[] model, out string nodeName)
    {
        var proto = Onnx.ModelProto.Parser.ParseFrom(model);
        var imputer = proto.Graph.Node.Single(n => n.OpType == "Imputer");
        imputer.OpType = "Abs";
        imputer.Domain = string.Empty;
        imputer.Attribute.Clear();
        nodeName = imputer.Name;
        return Google.Protobuf.MessageExtensions.ToByteArray(proto);
    }

    private async Task<string> DeployWithReferenceAsync(byte[] file, string fileName, int referenceRows = 500)
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterAsync(fixture.Server, model, file, fileName);
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(fixture.Server, endpoint, new { model, version, weight = 100 });
        var body = new JsonObject { ["records"] = new JsonArray([.. Rows("train.csv").Take(referenceRows).Select(r => (JsonNode)r)]) };
        await fixture.Server.CreateAdminClient().PutReferenceAsync(model, version, body);
        return endpoint;
    }

    private async Task<JsonElement> ExplainAsync(string endpoint, IEnumerable<JsonObject> records, string query = "")
    {
        var body = new JsonObject { ["records"] = new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())]) };
        using var response = await fixture.Server.CreateAdminClient().PostAsync($"/api/v1/endpoints/{endpoint}/explain{query}", JsonContent.Create(body));
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The CSV's rows without missing cells, as records (numbers parsed as float32, as trained).</summary>
    private static IEnumerable<JsonObject> Rows(string csv)
    {
        var lines = File.ReadAllLines(SharedFile(csv));
        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0 && !l.Contains(",,", StringComparison.Ordinal) && !l.EndsWith(',')))
        {
            var cells = line.Split(',');
            var record = new JsonObject();
            for (var j = 0; j < 20; j++)
            {
                record[header[j]] = Categorical.Contains(header[j])
                    ? JsonValue.Create(cells[j])
                    : JsonValue.Create((double)float.Parse(cells[j], CultureInfo.InvariantCulture));
            }

            yield return record;
        }
    }
}
