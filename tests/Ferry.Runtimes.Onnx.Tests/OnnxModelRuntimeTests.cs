using Ferry.Core.Serving;
using Ferry.Core.Signatures;

namespace Ferry.Runtimes.Onnx.Tests;

/// <summary>Serves the real models made by tests/testdata/make_serving_models.py and compares with the producing
/// library's own outputs saved beside them.</summary>
public sealed class OnnxModelRuntimeTests
{
    private const double Tolerance = 1e-5;

    private static readonly string[] CreditFeatures =
        ["age", "income", "employment_years", "debt_to_income", "credit_utilisation", "open_accounts", "delinquencies", "loan_amount"];

    private readonly OnnxModelRuntime _runtime = new();

    [Fact]
    public void Flavor_Always_IsOnnx() => Assert.Equal("onnx", _runtime.Flavor);

    [Theory]
    [InlineData("credit_gbm")]
    [InlineData("credit_mlp")]
    public async Task Features_SingleMatrixInputWithFeatureNames_NamesEachColumn(string model)
    {
        using var loaded = await LoadAsync($"{model}.onnx");

        Assert.Equal(CreditFeatures.Select(n => new FeatureSpec(n, FeatureKind.Number)), loaded.Features);
    }

    [Fact]
    public async Task Features_PipelineWithInputPerColumn_MapsElementTypesToKinds()
    {
        using var loaded = await LoadAsync("credit_pipeline.onnx");

        Assert.Equal(
            [
                new FeatureSpec("age", FeatureKind.Number),
                new FeatureSpec("income", FeatureKind.Number),
                new FeatureSpec("open_accounts", FeatureKind.WholeNumber),
                new FeatureSpec("purpose", FeatureKind.Text),
            ],
            loaded.Features);
    }

    [Fact]
    public async Task Features_InputsAnImputerFills_AllowNaN_OthersDoNot()
    {
        // gbc_pipeline of ../shared/models: a median Imputer (replaced_value_float NaN) behind Concat on the 17 numbers.
        await using var file = File.OpenRead(SharedModel("gbc_pipeline.onnx"));
        using var loaded = await _runtime.LoadAsync(file);

        Assert.Equal(17, loaded.Features.Count(f => f is { Kind: FeatureKind.Number, AllowNaN: true }));
        Assert.Equal(3, loaded.Features.Count(f => f is { Kind: FeatureKind.Text, AllowNaN: false }));
        Assert.Equal(20, loaded.Features.Count);
    }

    [Fact]
    public async Task Features_MatrixInputWithoutFeatureNames_NamesColumnsAfterInput()
    {
        using var loaded = await LoadAsync("linear.onnx");

        Assert.Equal(["x_0", "x_1", "x_2", "x_3"], loaded.Features.Select(f => f.Name));
    }

    [Fact]
    public async Task Features_MixedTypes_MapsStringInt64AndBool()
    {
        using var loaded = await LoadAsync("mixed_types.onnx");

        Assert.Equal(
            [
                new FeatureSpec("purpose", FeatureKind.Text),
                new FeatureSpec("term_months", FeatureKind.WholeNumber),
                new FeatureSpec("flag", FeatureKind.Boolean),
            ],
            loaded.Features);
    }

    [Theory]
    [InlineData("credit_gbm")]
    [InlineData("credit_pipeline")]
    [InlineData("credit_mlp")]
    public async Task Predict_SavedRows_EqualsProducingLibrarysOutputs(string model)
    {
        using var loaded = await LoadAsync($"{model}.onnx");
        var expected = ExpectedOutputs.Load($"{model}.expected.json");

        var result = loaded.Predict(expected.Batch(loaded.Features));

        AssertEqual(expected, result.Rows);
    }

    [Fact]
    public async Task Predict_OneRowAtATime_EqualsProducingLibrarysOutputs()
    {
        using var loaded = await LoadAsync("credit_gbm.onnx");
        var expected = ExpectedOutputs.Load("credit_gbm.expected.json");

        var rows = Enumerable.Range(0, expected.RowCount)
            .Select(i => loaded.Predict(expected.Batch(loaded.Features, rows: 1, skip: i)).Rows.Single())
            .ToList();

        AssertEqual(expected, rows);
    }

    [Fact]
    public async Task Predict_ZipMapClassifier_ReturnsProbabilitiesAsRawTensor()
    {
        using var loaded = await LoadAsync("credit_gbm.onnx");
        var expected = ExpectedOutputs.Load("credit_gbm.expected.json");

        var result = loaded.Predict(expected.Batch(loaded.Features));

        var probabilities = Assert.Single(result.Outputs, o => o.Name == "output_probability");
        Assert.Equal("float32", probabilities.ElementType);
        Assert.Equal([expected.RowCount, 2], probabilities.Shape);
        var label = Assert.Single(result.Outputs, o => o.Name == "label");
        Assert.Equal("int64", label.ElementType);
        Assert.Equal(expected.Labels, ((long[])label.Data).Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Predict_RegressorShapedOutput_SetsScoreAndReturnsEveryTensor()
    {
        using var loaded = await LoadAsync("mixed_types.onnx");
        var batch = new FeatureBatch(2, new Dictionary<string, Array>
        {
            ["purpose"] = new[] { "car", "home" },
            ["term_months"] = new long[] { 36, 60 },
            ["flag"] = new[] { true, false },
        });

        var result = loaded.Predict(batch);

        Assert.Equal([36.0, 60.0], result.Rows.Select(r => r.Score!.Value));
        Assert.All(result.Rows, r => Assert.Null(r.Probabilities));
        Assert.Equal(["car", "home"], (string[])result.Outputs.Single(o => o.Name == "purpose_out").Data);
        Assert.Equal([false, true], (bool[])result.Outputs.Single(o => o.Name == "not_flag").Data);
        Assert.Equal([2, 1], result.Outputs.Single(o => o.Name == "term_double").Shape);
    }

    [Fact]
    public async Task Predict_EightThreadsAtOnce_GiveIdenticalResults()
    {
        using var loaded = await LoadAsync("credit_gbm.onnx");
        var expected = ExpectedOutputs.Load("credit_gbm.expected.json");
        var batch = expected.Batch(loaded.Features);
        var reference = loaded.Predict(batch).Rows;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 50).Select(_ => loaded.Predict(batch).Rows).ToList())));

        foreach (var rows in results.SelectMany(r => r))
        {
            Assert.Equal(reference.Select(r => (r.Label, r.Score)), rows.Select(r => (r.Label, r.Score)));
        }
    }

    [Fact]
    public async Task Predict_BatchMissingColumn_ThrowsArgumentExceptionNamingIt()
    {
        using var loaded = await LoadAsync("credit_pipeline.onnx");
        var batch = new FeatureBatch(1, new Dictionary<string, Array>
        {
            ["age"] = new[] { 30.0 },
            ["income"] = new[] { 40_000.0 },
            ["purpose"] = new[] { "car" },
        });

        var ex = Assert.Throws<ArgumentException>(() => loaded.Predict(batch));

        Assert.Contains("'open_accounts'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_ColumnOfWrongArrayType_ThrowsArgumentExceptionNamingIt()
    {
        using var loaded = await LoadAsync("credit_pipeline.onnx");
        var batch = new FeatureBatch(1, new Dictionary<string, Array>
        {
            ["age"] = new[] { 30.0 },
            ["income"] = new[] { 40_000.0 },
            ["open_accounts"] = new[] { 3.0 },
            ["purpose"] = new[] { "car" },
        });

        var ex = Assert.Throws<ArgumentException>(() => loaded.Predict(batch));

        Assert.Contains("'open_accounts'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_UnknownCategory_ScoresLikeScikitLearnIgnoringIt()
    {
        using var loaded = await LoadAsync("credit_pipeline.onnx");
        var batch = new FeatureBatch(1, new Dictionary<string, Array>
        {
            ["age"] = new[] { 30.0 },
            ["income"] = new[] { 40_000.0 },
            ["open_accounts"] = new long[] { 3 },
            ["purpose"] = new[] { "boat" },
        });

        var row = loaded.Predict(batch).Rows.Single();

        Assert.Equal(1.0, row.Probabilities!.Values.Sum(), 5);
    }

    [Fact]
    public async Task Predict_EmptyBatch_ReturnsNoRows()
    {
        using var loaded = await LoadAsync("credit_gbm.onnx");

        var result = loaded.Predict(ExpectedOutputs.Load("credit_gbm.expected.json").Batch(loaded.Features, rows: 0));

        Assert.Empty(result.Rows);
    }

    [Fact]
    public async Task LoadAsync_Model_ExposesSignatureAndMemoryEstimate()
    {
        using var loaded = await LoadAsync("credit_gbm.onnx");

        Assert.Equal([new TensorSpec("input", "float32", [-1, 8])], loaded.Signature.Inputs);
        Assert.Equal(["label", "output_probability"], loaded.Signature.Outputs.Select(o => o.Name));
        Assert.True(loaded.ApproximateBytes > new FileInfo(TestFile("credit_gbm.onnx")).Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task LoadAsync_RandomBytes_ThrowsInvalidModelException(int seed)
    {
        var bytes = new byte[2048];
        new Random(seed).NextBytes(bytes);

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => _runtime.LoadAsync(new MemoryStream(bytes)));

        Assert.Equal(ModelFlavor.Onnx, ex.Flavor);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task LoadAsync_TruncatedModel_ThrowsInvalidModelException()
    {
        var bytes = await File.ReadAllBytesAsync(TestFile("credit_gbm.onnx"));

        await Assert.ThrowsAsync<InvalidModelException>(() => _runtime.LoadAsync(new MemoryStream(bytes[..(bytes.Length / 2)])));
    }

    [Fact]
    public void Constructor_NegativeThreads_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelRuntime(new OnnxModelRuntimeOptions { IntraOpNumThreads = -1 }));

    private static void AssertEqual(ExpectedOutputs expected, IReadOnlyList<RowPrediction> rows)
    {
        Assert.Equal(expected.RowCount, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(expected.Labels[i], rows[i].Label);
            var probabilities = rows[i].Probabilities!;
            Assert.Equal(expected.Classes, probabilities.Keys);
            for (var c = 0; c < expected.Classes.Length; c++)
            {
                Assert.Equal(expected.Probabilities[i][c], probabilities[expected.Classes[c]], Tolerance);
            }

            Assert.Equal(expected.Probabilities[i][1], rows[i].Score!.Value, Tolerance);
        }
    }

    private async Task<ILoadedModel> LoadAsync(string name)
    {
        await using var file = File.OpenRead(TestFile(name));
        return await _runtime.LoadAsync(file);
    }

    private static string SharedModel(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ferry.slnx")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "models", name));
            }
        }

        throw new InvalidOperationException($"No Ferry.slnx above {AppContext.BaseDirectory}.");
    }

    private static string TestFile(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", name);
}
