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

    /// <summary>
    /// With the whole training set as the reference (missing cells included), the covers the reference job counts are
    /// the training-row counts the shared SHAP files use, so the API's answers equal those files (README tolerances).
    /// </summary>
    [Theory]
    [InlineData("gbc_pipeline", 1e-6)]
    [InlineData("xgb_pipeline", 1e-6)]
    [InlineData("rf_pipeline", 1e-6)]
    [InlineData("hgb_pipeline", 1e-6)]
    [InlineData("loss_regressor", 1e-3)]
    [InlineData("grade_multiclass", 1e-6)]
    public async Task TreePipeline_TrainingSetAsReference_ApiMatchesTheShapFile(string file, double tolerance)
    {
        var training = IndexedRows("train.csv", withMissing: true).Select(r => r.Record).ToList();
        Assert.Equal(4000, training.Count);
        var endpoint = await DeployWithReferenceAsync(File.ReadAllBytes(SharedFile(file + ".onnx")), file + ".onnx", training);
        var rows = IndexedRows("test.csv", withMissing: true).Take(40).ToList();
        using var reference = JsonDocument.Parse(File.ReadAllText(SharedFile(file + "_shap.json")));
        var entries = reference.RootElement.GetProperty("models").EnumerateObject().ToList();

        var explanations = (await ExplainAsync(endpoint, rows.Select(r => r.Record))).GetProperty("explanations").EnumerateArray().ToList();

        Assert.Equal(rows.Count, explanations.Count);
        Assert.Contains(rows, r => r.Record.Any(p => p.Value is null));
        for (var i = 0; i < rows.Count; i++)
        {
            // One entry per class for the multiclass model ("grade_multiclass[A]", ...), else one for the model.
            var answers = entries.Count == 1 ? [explanations[i]] : explanations[i].GetProperty("classes").EnumerateArray().ToList();
            Assert.Equal(entries.Count, answers.Count);
            for (var k = 0; k < entries.Count; k++)
            {
                var want = entries[k].Value.GetProperty("rows")[i];
                Assert.Equal(rows[i].Index, want.GetProperty("index").GetInt32());
                var got = answers[k];
                Assert.Equal("tree-path-dependent", explanations[i].GetProperty("method").GetString());
                Assert.Equal(want.GetProperty("base").GetDouble(), got.GetProperty("baseValue").GetDouble(), tolerance);
                var attributions = got.GetProperty("attributions").EnumerateArray().ToDictionary(a => a.GetProperty("feature").GetString()!, a => a.GetProperty("contribution").GetDouble());
                foreach (var column in want.GetProperty("shap").EnumerateObject())
                {
                    Assert.Equal(column.Value.GetDouble(), attributions[column.Name], tolerance);
                }
            }
        }
    }

    [Fact]
    public async Task MulticlassPipeline_ExplainedPerClass_MatchesExactValuesAndTheLibrarysScores()
    {
        var endpoint = await DeployWithReferenceAsync(File.ReadAllBytes(SharedFile("grade_multiclass.onnx")), "grade_multiclass.onnx");
        var rows = IndexedRows("test.csv").Take(8).ToList();
        using var expected = JsonDocument.Parse(File.ReadAllText(SharedFile("grade_multiclass_expected.json")));
        var decision = expected.RootElement.GetProperty("decision_function");
        var predicted = expected.RootElement.GetProperty("predict");
        var exact = LibraryExplainer("grade_multiclass.onnx", Rows("train.csv").Take(500));

        var explanations = (await ExplainAsync(endpoint, rows.Select(r => r.Record))).GetProperty("explanations").EnumerateArray().ToList();

        Assert.Equal(rows.Count, explanations.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var e = explanations[i];
            var (index, record) = rows[i];
            Assert.Equal("tree-path-dependent", e.GetProperty("method").GetString());
            Assert.Equal("raw-margin", e.GetProperty("space").GetString());
            var classes = e.GetProperty("classes").EnumerateArray().ToList();
            Assert.Equal(["A", "B", "C"], classes.Select(c => c.GetProperty("class").GetString()!));
            var want = exact(record);
            for (var k = 0; k < 3; k++)
            {
                var c = classes[k];
                // Each class's output is scikit-learn's decision_function for that class (float32 parameters: 1e-6).
                Assert.Equal(decision[index][k].GetDouble(), c.GetProperty("output").GetDouble(), 1e-6);
                Assert.Equal(want[k].BaseValue, c.GetProperty("baseValue").GetDouble(), 1e-9);
                var attributions = c.GetProperty("attributions").EnumerateArray().ToDictionary(a => a.GetProperty("feature").GetString()!, a => a.GetProperty("contribution").GetDouble());
                Assert.Equal(20, attributions.Count);
                for (var j = 0; j < want[k].Attributions.Length; j++)
                {
                    Assert.Equal(want[k].Attributions[j], attributions[want[k].FeatureName(j)], 1e-9);
                }

                Assert.Equal(c.GetProperty("output").GetDouble(), c.GetProperty("baseValue").GetDouble() + attributions.Values.Sum(), 1e-9);
            }

            // Without a positive class in the reference, the top level explains the predicted class.
            Assert.Equal(predicted[index].GetString(), e.GetProperty("class").GetString());
            var chosen = classes.Single(c => c.GetProperty("class").GetString() == e.GetProperty("class").GetString());
            Assert.Equal(chosen.GetProperty("output").GetDouble(), e.GetProperty("output").GetDouble());
            Assert.Equal(chosen.GetProperty("baseValue").GetDouble(), e.GetProperty("baseValue").GetDouble());
        }
    }

    [Fact]
    public async Task MulticlassPipeline_ReferenceNamesAdverseClass_ReasonCodesExplainThatClass()
    {
        var endpoint = await DeployWithReferenceAsync(File.ReadAllBytes(SharedFile("grade_multiclass.onnx")), "grade_multiclass.onnx", positiveLabel: "C");
        var records = Rows("test.csv").Take(6).ToList();

        var explanations = (await ExplainAsync(endpoint, records)).GetProperty("explanations").EnumerateArray().ToList();

        foreach (var e in explanations)
        {
            Assert.Equal("C", e.GetProperty("class").GetString());
            var c = e.GetProperty("classes")[2];
            Assert.Equal("C", c.GetProperty("class").GetString());
            Assert.Equal(c.GetProperty("output").GetDouble(), e.GetProperty("output").GetDouble());
            var contributions = c.GetProperty("attributions").EnumerateArray().ToDictionary(a => a.GetProperty("feature").GetString()!, a => a.GetProperty("contribution").GetDouble());
            var adverse = contributions.Where(p => p.Value > 0).OrderByDescending(p => p.Value).Take(4).Select(p => p.Key).ToList();
            Assert.Equal(adverse, e.GetProperty("reasonCodes").EnumerateArray().Select(r => r.GetProperty("feature").GetString()!));
        }
    }

    [Fact]
    public async Task ForestPipeline_Interventional_PlaysRawColumns_AsTheLibraryAgainstTheReference()
    {
        // rf_pipeline's trees split on two one-hot columns of one category along a path, where per-slot values summed per
        // column differ from the raw-column game by ~1e-4; the API must answer the raw-column game (100 reference rows:
        // the whole reference is the background).
        var endpoint = await DeployWithReferenceAsync(File.ReadAllBytes(SharedFile("rf_pipeline.onnx")), "rf_pipeline.onnx", referenceRows: 100);
        var records = Rows("test.csv").Take(4).ToList();
        var read = Ferry.Explain.Readers.OnnxTreeEnsembleReader.ReadFile(SharedFile("rf_pipeline.onnx"));
        var shap = new Ferry.Explain.Shap.InterventionalTreeShap(read.Ensemble, Rows("train.csv").Take(100).Select(r => Featurize(read, r)), read.Groups);

        var slots = new Ferry.Explain.Shap.InterventionalTreeShap(read.Ensemble, Rows("train.csv").Take(100).Select(r => Featurize(read, r)));
        var slotGap = records.Max(r => read.Groups.Group(slots.Explain(Featurize(read, r))).Attributions
            .Zip(shap.Explain(Featurize(read, r)).Attributions, (a, b) => Math.Abs(a - b)).Max());
        Assert.True(slotGap > 1e-6, $"per-slot values summed per column came within {slotGap} of the raw-column game on these rows");

        var explanations = (await ExplainAsync(endpoint, records, "?method=interventional")).GetProperty("explanations").EnumerateArray().ToList();

        for (var i = 0; i < records.Count; i++)
        {
            var e = explanations[i];
            Assert.Equal("tree-interventional", e.GetProperty("method").GetString());
            var want = shap.Explain(Featurize(read, records[i]));
            Assert.Equal(want.BaseValue, e.GetProperty("baseValue").GetDouble(), 1e-9);
            var attributions = e.GetProperty("attributions").EnumerateArray().ToDictionary(a => a.GetProperty("feature").GetString()!, a => a.GetProperty("contribution").GetDouble());
            Assert.Equal(20, attributions.Count);
            for (var j = 0; j < want.Attributions.Length; j++)
            {
                Assert.Equal(want.Attributions[j], attributions[want.FeatureName(j)], 1e-9);
            }
        }
    }

    [Fact]
    public async Task BinaryPipeline_Explained_AnswersNoClasses()
    {
        var endpoint = await DeployWithReferenceAsync(File.ReadAllBytes(SharedFile("gbc_pipeline.onnx")), "gbc_pipeline.onnx", referenceRows: 200);

        var explanation = (await ExplainAsync(endpoint, Rows("test.csv").Take(1))).GetProperty("explanations")[0];

        Assert.False(explanation.TryGetProperty("classes", out _));
        Assert.False(explanation.TryGetProperty("class", out _));
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

    [Fact]
    public async Task MissingValues_ImputedInputsAcceptNull_ScoredAsTheLibraryAndExplainedExactly()
    {
        // The first 40 test rows, 16 of them with an empty (null) months_employed, savings_balance or monthly_expenses,
        // which every shared pipeline imputes with its training median.
        var endpoint = await DeployWithReferenceAsync(File.ReadAllBytes(SharedFile("gbc_pipeline.onnx")), "gbc_pipeline.onnx");
        var rows = IndexedRows("test.csv", withMissing: true).Take(40).ToList();
        Assert.Equal(16, rows.Count(r => r.Record.Any(p => p.Value is null)));
        using var expected = JsonDocument.Parse(File.ReadAllText(SharedFile("gbc_pipeline_expected.json")));
        var probabilities = expected.RootElement.GetProperty("predict_proba");
        var exact = LibraryExplainer("gbc_pipeline.onnx", Rows("train.csv").Take(500));

        var predictions = (await ServingTestKit.PredictAsync(fixture.Server.CreateAdminClient(), endpoint, rows.Select(r => r.Record)))
            .GetProperty("predictions").EnumerateArray().ToList();
        var explanations = (await ExplainAsync(endpoint, rows.Select(r => r.Record))).GetProperty("explanations").EnumerateArray().ToList();

        for (var i = 0; i < rows.Count; i++)
        {
            var (index, record) = rows[i];
            Assert.Equal(probabilities[index][1].GetDouble(), predictions[i].GetProperty("probabilities").GetProperty("1").GetDouble(), 1e-5);
            var e = explanations[i];
            Assert.Equal("tree-path-dependent", e.GetProperty("method").GetString());
            var want = exact(record)[0];
            Assert.Equal(want.BaseValue, e.GetProperty("baseValue").GetDouble(), 1e-9);
            var attributions = e.GetProperty("attributions").EnumerateArray().ToDictionary(a => a.GetProperty("feature").GetString()!, a => a.GetProperty("contribution").GetDouble());
            for (var j = 0; j < want.Attributions.Length; j++)
            {
                Assert.Equal(want.Attributions[j], attributions[want.FeatureName(j)], 1e-9);
            }
        }
    }

    [Fact]
    public async Task EverySharedModel_CardNamesAnExactMethod_NoneFallsBackToKernelShap()
    {
        // ../shared/models documents no model-agnostic model: every file is a tree ensemble or a linear classifier.
        var files = Directory.GetFiles(Path.GetDirectoryName(SharedFile("train.csv"))!, "*.onnx").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 8, $"only {files.Count} models in ../shared/models");
        var methods = new Dictionary<string, string>();
        foreach (var file in files)
        {
            var (model, version) = await RegisterAsync(File.ReadAllBytes(file), Path.GetFileName(file));
            var card = await CardAsync(model, version);
            var explanation = card.GetProperty("explanation");
            methods[Path.GetFileNameWithoutExtension(file)] = explanation.GetProperty("method").GetString()!;
            Assert.False(explanation.TryGetProperty("fallbackReason", out var reason), $"{file}: {reason}");
        }

        Assert.All(methods, m => Assert.Contains(m.Value, (string[])["tree-path-dependent", "linear-exact"]));
        Assert.Equal("linear-exact", methods["lr_pipeline"]);
        Assert.Equal("tree-path-dependent", methods["grade_multiclass"]);
    }

    [Fact]
    public async Task UntraceableGraph_CardSaysKernelShap_AndNamesTheNode()
    {
        var patched = ReplaceImputerWithAbs(File.ReadAllBytes(SharedFile("gbc_pipeline.onnx")), out var nodeName);
        var (model, version) = await RegisterAsync(patched, "gbc_abs.onnx");

        var card = await CardAsync(model, version);

        var explanation = card.GetProperty("explanation");
        Assert.Equal("kernel-shap", explanation.GetProperty("method").GetString());
        Assert.Contains($"'Abs' (node '{nodeName}')", explanation.GetProperty("fallbackReason").GetString(), StringComparison.Ordinal);
        var markdown = card.GetProperty("markdown").GetString()!;
        Assert.Contains("## Explanations", markdown, StringComparison.Ordinal);
        Assert.Contains("Not exact because", markdown, StringComparison.Ordinal);
        Assert.Contains($"(node '{nodeName}')", markdown, StringComparison.Ordinal);
    }

    private async Task<(string Model, int Version)> RegisterAsync(byte[] file, string fileName)
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterAsync(fixture.Server, model, file, fileName);
        return (model, version);
    }

    private async Task<JsonElement> CardAsync(string model, int version)
    {
        using var response = await fixture.Server.CreateAdminClient().GetAsync($"/api/v1/models/{model}/versions/{version}/card?format=json");
        return await response.AssertJsonAsync(HttpStatusCode.OK);
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

    private static double[] Featurize(Ferry.Explain.Readers.OnnxTreeModel read, JsonObject record) => read.Featurizer!.Featurize(record.ToDictionary(
        p => p.Key, p => p.Value is null ? double.NaN : p.Value.GetValueKind() == JsonValueKind.String ? (object?)p.Value.GetValue<string>() : p.Value.GetValue<double>()));

    /// <summary>Ferry's library explainer of every class, covers counted on <paramref name="reference"/> (as the server counts them).</summary>
    private static Func<JsonObject, Ferry.Explain.Explanation[]> LibraryExplainer(string file, IEnumerable<JsonObject> reference)
    {
        var read = Ferry.Explain.Readers.OnnxTreeEnsembleReader.ReadFile(SharedFile(file));
        double[] Featurize(JsonObject record) => read.Featurizer!.Featurize(record.ToDictionary(
            p => p.Key, p => p.Value is null ? double.NaN : p.Value.GetValueKind() == JsonValueKind.String ? (object?)p.Value.GetValue<string>() : p.Value.GetValue<double>()));
        var covered = Ferry.Explain.Trees.CoverEstimator.WithCovers(read.Ensemble, reference.Select(Featurize));
        var shap = new Ferry.Explain.Shap.PathDependentTreeShap(covered, read.Groups);
        return record => shap.ExplainAllOutputs(Featurize(record));
    }

    private Task<string> DeployWithReferenceAsync(byte[] file, string fileName, int referenceRows = 500, string? positiveLabel = null) =>
        DeployWithReferenceAsync(file, fileName, [.. Rows("train.csv").Take(referenceRows)], positiveLabel);

    private async Task<string> DeployWithReferenceAsync(byte[] file, string fileName, List<JsonObject> referenceRows, string? positiveLabel = null)
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterAsync(fixture.Server, model, file, fileName);
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(fixture.Server, endpoint, new { model, version, weight = 100 });
        var body = new JsonObject { ["records"] = new JsonArray([.. referenceRows.Select(r => (JsonNode)r.DeepClone())]) };
        if (positiveLabel is not null)
        {
            body["labels"] = new JsonArray([.. Labels("grade").Take(referenceRows.Count).Select(l => (JsonNode)JsonValue.Create(l))]);
            body["positiveLabel"] = positiveLabel;
        }

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
    private static IEnumerable<JsonObject> Rows(string csv) => IndexedRows(csv).Select(r => r.Record);

    /// <summary>A label column of train.csv for the rows <see cref="Rows"/> yields.</summary>
    private static IEnumerable<string> Labels(string column)
    {
        var lines = File.ReadAllLines(SharedFile("train.csv"));
        var at = Array.IndexOf(lines[0].Split(','), column);
        return IndexedRows("train.csv").Select(r => lines[r.Index + 1].Split(',')[at]);
    }

    /// <summary>The CSV's rows (without missing cells unless <paramref name="withMissing"/>: then empty cells are null), each with its index among all the file's rows.</summary>
    private static IEnumerable<(int Index, JsonObject Record)> IndexedRows(string csv, bool withMissing = false)
    {
        var lines = File.ReadAllLines(SharedFile(csv));
        var header = lines[0].Split(',');
        for (var index = 0; index < lines.Length - 1; index++)
        {
            var line = lines[index + 1];
            if (line.Length == 0 || (!withMissing && (line.Contains(",,", StringComparison.Ordinal) || line.EndsWith(','))))
            {
                continue;
            }

            var cells = line.Split(',');
            var record = new JsonObject();
            for (var j = 0; j < 20; j++)
            {
                record[header[j]] = Categorical.Contains(header[j]) ? JsonValue.Create(cells[j])
                    : cells[j].Length == 0 ? null
                    : JsonValue.Create((double)float.Parse(cells[j], CultureInfo.InvariantCulture));
            }

            yield return (index, record);
        }
    }
}
