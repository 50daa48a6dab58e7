using System.Globalization;
using System.Text.Json;
using Ferry.Core.Serving;

namespace Ferry.Runtimes.Onnx.Tests;

/// <summary>
/// Single-row scoring reuses pooled input tensors (OnnxRowInputs): every row must still get exactly its
/// own answer, checked against scikit-learn's outputs for the shared credit pipeline (<c>../shared/models</c>).
/// </summary>
public sealed class OnnxRowInputsTests
{
    private const double Tolerance = 1e-6;
    private static readonly string[] Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    private readonly OnnxModelRuntime _runtime = new();

    [Fact]
    public async Task Predict_SharedPipelineOneRowAtATimeTwice_EqualsScikitLearnEachTime()
    {
        using var loaded = await LoadSharedAsync("gbc_pipeline.onnx");
        var (batches, expected) = SharedRows(loaded.Features, 40);

        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < batches.Count; i++)
            {
                var row = loaded.Predict(batches[i]).Rows.Single();

                Assert.Equal(expected[i].Label, row.Label);
                Assert.Equal(expected[i].P1, row.Score!.Value, Tolerance);
                Assert.Equal(expected[i].P1, row.Probabilities!["1"], Tolerance);
                Assert.Equal(1 - expected[i].P1, row.Probabilities!["0"], Tolerance);
            }
        }
    }

    [Fact]
    public async Task Predict_SharedPipelineOneRowOnEightThreads_EachRowGetsItsOwnAnswer()
    {
        using var loaded = await LoadSharedAsync("gbc_pipeline.onnx");
        var (batches, expected) = SharedRows(loaded.Features, 40);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            Enumerable.Range(0, 200).Select(k => (t + (k * 7)) % batches.Count)
                .Select(i => (Index: i, Score: loaded.Predict(batches[i]).Rows.Single().Score!.Value)).ToList())));

        foreach (var (index, score) in answers.SelectMany(a => a))
        {
            Assert.Equal(expected[index].P1, score, Tolerance);
        }
    }

    [Fact]
    public async Task Predict_MixedTypesOneRowAtATime_EqualsTheBatchAnswer()
    {
        using var loaded = await LoadAsync("mixed_types.onnx");
        string[] purposes = ["car", "home", "", "education"];
        long[] terms = [36, 60, 12, 84];
        bool[] flags = [true, false, false, true];
        var whole = loaded.Predict(new FeatureBatch(4, new Dictionary<string, Array>
        {
            ["purpose"] = purposes,
            ["term_months"] = terms,
            ["flag"] = flags,
        }));

        for (var i = 0; i < purposes.Length; i++)
        {
            var single = loaded.Predict(new FeatureBatch(1, new Dictionary<string, Array>
            {
                ["purpose"] = new[] { purposes[i] },
                ["term_months"] = new[] { terms[i] },
                ["flag"] = new[] { flags[i] },
            }));

            Assert.Equal(whole.Rows[i], single.Rows[0]);
            Assert.Equal(purposes[i], ((string[])single.Outputs.Single(o => o.Name == "purpose_out").Data)[0]);
            Assert.Equal(!flags[i], ((bool[])single.Outputs.Single(o => o.Name == "not_flag").Data)[0]);
        }
    }

    private async Task<ILoadedModel> LoadAsync(string file)
    {
        await using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "testdata", file));
        return await _runtime.LoadAsync(stream);
    }

    private async Task<ILoadedModel> LoadSharedAsync(string file)
    {
        await using var stream = File.OpenRead(SharedModel(file));
        return await _runtime.LoadAsync(stream);
    }

    // The first rows of test.csv as one-row batches (empty cells are NaN, numbers float32-exact), with
    // scikit-learn's label and P(default) for each from gbc_pipeline_expected.json.
    private static (List<FeatureBatch> Batches, List<(string Label, double P1)> Expected) SharedRows(IReadOnlyList<FeatureSpec> features, int count)
    {
        var lines = File.ReadAllLines(SharedModel("test.csv"));
        var header = lines[0].Split(',');
        var batches = new List<FeatureBatch>();
        foreach (var line in lines.Skip(1).Take(count))
        {
            var cells = line.Split(',');
            var columns = new Dictionary<string, Array>();
            for (var j = 0; j < header.Length; j++)
            {
                columns[header[j]] = Categorical.Contains(header[j])
                    ? new[] { cells[j] }
                    : new[] { cells[j].Length == 0 ? double.NaN : (double)float.Parse(cells[j], CultureInfo.InvariantCulture) };
            }

            Assert.Equal(features.Select(f => f.Name).Order(), columns.Keys.Order());
            batches.Add(new FeatureBatch(1, columns));
        }

        using var reference = JsonDocument.Parse(File.ReadAllText(SharedModel("gbc_pipeline_expected.json")));
        var labels = reference.RootElement.GetProperty("predict").EnumerateArray().Select(e => e.GetInt64().ToString(CultureInfo.InvariantCulture));
        var probabilities = reference.RootElement.GetProperty("predict_proba").EnumerateArray().Select(e => e[1].GetDouble());
        return (batches, labels.Zip(probabilities).Take(count).ToList());
    }

    private static string SharedModel(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ferry.slnx")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return Path.Combine(directory.FullName, "..", "shared", "models", name);
    }
}
