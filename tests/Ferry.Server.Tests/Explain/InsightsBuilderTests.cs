using System.Text.Json.Nodes;
using Ferry.Explain;
using Ferry.Explain.Importance;
using Ferry.Explain.Shap;
using Ferry.Runtimes.Onnx;
using Ferry.Server.Explain;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Explain;

/// <summary>
/// Permutation importance of an exactly explained model scores its shuffled copies with the explainer's own trees or
/// coefficients; the answer must be the one ONNX Runtime's scores give for the same seeded shuffles.
/// </summary>
public sealed class InsightsBuilderTests
{
    private static readonly string[] Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    [Theory]
    [InlineData("gbc_pipeline")]
    [InlineData("rf_pipeline")]
    [InlineData("xgb_pipeline")]
    [InlineData("lr_pipeline")]
    public async Task PermutationImportance_ExactExplainer_EqualsScoringTheShufflesThroughOnnxRuntime(string file)
    {
        var bytes = await File.ReadAllBytesAsync(SharedFile(file + ".onnx"));
        using var model = await new OnnxModelRuntime().LoadAsync(new MemoryStream(bytes));
        var sample = ReferenceSample.FromJson(SampleJson(2000), model.Features);
        var explainer = await ExplainerFactory.CreateAsync(model, _ => Task.FromResult<Stream>(new MemoryStream(bytes)), sample, new KernelShapOptions(), CancellationToken.None);
        var cells = BatchRows.Cells(sample.Batch, model.Features);
        var actual = sample.Labels!.Select(l => l == "1").ToArray();
        double[] Served(object?[][] batch) => [.. model.Predict(BatchRows.FromCells(batch, model.Features)).Rows.Select(r => r.Score ?? double.NaN)];

        // The precondition of the fast way: the explainer's double-precision outputs reproduce the served scores.
        var vector = Assert.IsType<VectorRowExplainer>(explainer);
        Assert.NotNull(vector.Outputs);
        Assert.NotNull(vector.SlotGroups);
        var served = Served(cells);
        var computed = vector.FeatureVectors(sample.Batch).Select(x => vector.Outputs(x)[^1]).ToArray();
        Assert.All(served.Zip(computed), pair => Assert.Equal(pair.First, pair.Second, 1e-5));

        var options = new PermutationImportanceOptions { Repeats = 5, Seed = 11 };
        Assert.NotNull(InsightsBuilder.ExactPermutation(explainer, model, cells, actual, options));
        var importance = InsightsBuilder.Importance(explainer, model, sample, "1");
        var expected = PermutationImportance.Compute<object?>(Served, cells, actual, FeatureGroups.Identity(model.Features.Select(f => f.Name)), options);

        var got = Assert.IsType<PermutationImportanceResult>(importance.Permutation);
        // The AUCs differ only where ONNX Runtime's float32 scores tie rows whose double scores do not (one pair in ~10⁶).
        Assert.Equal(expected.BaselineScore, got.BaselineScore, 1e-4);
        var byFeature = got.Features.ToDictionary(f => f.Feature);
        Assert.Equal(expected.Features.Count, byFeature.Count);
        foreach (var feature in expected.Features)
        {
            Assert.Equal(feature.Importance, byFeature[feature.Feature].Importance, 1e-4);
            Assert.Equal(feature.StandardDeviation, byFeature[feature.Feature].StandardDeviation, 1e-4);
        }
    }

    private static string SharedFile(string name) =>
        Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "models", name));

    /// <summary>The first <paramref name="rows"/> complete rows of train.csv as a stored reference sample, labelled by <c>default</c>.</summary>
    private static string SampleJson(int rows)
    {
        var lines = File.ReadAllLines(SharedFile("train.csv"));
        var header = lines[0].Split(',');
        var label = Array.IndexOf(header, "default");
        var records = new JsonArray();
        var labels = new JsonArray();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0 && !l.Contains(",,", StringComparison.Ordinal)).Take(rows))
        {
            var cells = line.Split(',');
            var record = new JsonObject();
            for (var j = 0; j < 20; j++)
            {
                record[header[j]] = Categorical.Contains(header[j])
                    ? JsonValue.Create(cells[j])
                    : JsonValue.Create((double)float.Parse(cells[j], System.Globalization.CultureInfo.InvariantCulture));
            }

            records.Add(record);
            labels.Add(JsonValue.Create(cells[label]));
        }

        return new JsonObject { ["records"] = records, ["labels"] = labels }.ToJsonString();
    }
}
