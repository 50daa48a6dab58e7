using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Ferry.Runtimes.MLNet.Tests;

/// <summary>Trains real ML.NET models at test time, computes the expected outputs with ML.NET's own
/// <c>PredictionEngine</c>, then serves the saved zip through the runtime and compares.</summary>
public sealed class MLNetModelRuntimeTests
{
    private const double Tolerance = 1e-5;
    private static readonly string[] Purposes = ["car", "home", "education"];

    private readonly MLNetModelRuntime _runtime = new();

    [Fact]
    public void Flavor_Always_IsMLNet() => Assert.Equal("mlnet", _runtime.Flavor);

    [Fact]
    public async Task Features_FastTreeBinary_AreInputColumnsWithoutLabelAndVectorSlotsExpanded()
    {
        using var model = await _runtime.LoadAsync(new MemoryStream(TrainBinary(out _)));

        Assert.Equal(
            [
                new FeatureSpec("Age", FeatureKind.Number),
                new FeatureSpec("Income", FeatureKind.Number),
                new FeatureSpec("Purpose", FeatureKind.Text),
                new FeatureSpec("History_0", FeatureKind.Number),
                new FeatureSpec("History_1", FeatureKind.Number),
                new FeatureSpec("History_2", FeatureKind.Number),
            ],
            model.Features);
        Assert.Contains(model.Signature.Inputs, i => i is { Name: "Label", Optional: true });
    }

    [Fact]
    public async Task Predict_FastTreeBinary_EqualsPredictionEngine()
    {
        var bytes = TrainBinary(out var context);
        var rows = Rows(seed: 7, count: 40);
        var expected = Expected<BinaryPrediction>(context, bytes, rows);
        using var model = await _runtime.LoadAsync(new MemoryStream(bytes));

        var result = model.Predict(Batch(rows));

        Assert.Equal(rows.Count, result.Rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = result.Rows[i];
            Assert.Equal(expected[i].PredictedLabel ? "true" : "false", row.Label);
            Assert.Equal(expected[i].Probability, row.Score!.Value, Tolerance);
            Assert.Equal(expected[i].Probability, row.Probabilities!["true"], Tolerance);
            Assert.Equal(1 - expected[i].Probability, row.Probabilities!["false"], Tolerance);
        }

        Assert.Equal(expected.Select(e => e.Score), (float[])result.Outputs.Single(o => o.Name == "Score").Data);
        Assert.Equal(expected.Select(e => e.PredictedLabel), (bool[])result.Outputs.Single(o => o.Name == "PredictedLabel").Data);
    }

    [Fact]
    public async Task Predict_Multiclass_EqualsPredictionEngineWithProbabilitiesBySlotName()
    {
        var context = new MLContext(seed: 0);
        var data = context.Data.LoadFromEnumerable(Rows(seed: 3, count: 90));
        var pipeline = context.Transforms.Conversion.MapValueToKey("Label", "Purpose")
            .Append(context.Transforms.Conversion.ConvertType("IncomeSingle", "Income", DataKind.Single))
            .Append(context.Transforms.Concatenate("Features", "Age", "IncomeSingle", "History"))
            .Append(context.Transforms.NormalizeMinMax("Features"))
            .Append(context.MulticlassClassification.Trainers.LbfgsMaximumEntropy())
            .Append(context.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var trained = pipeline.Fit(data);
        using var stream = new MemoryStream();
        context.Model.Save(trained, data.Schema, stream);
        var rows = Rows(seed: 11, count: 15);
        var expected = Expected<MulticlassPrediction>(context, stream.ToArray(), rows);
        using var model = await _runtime.LoadAsync(new MemoryStream(stream.ToArray()));

        var result = model.Predict(Batch(rows));

        for (var i = 0; i < rows.Count; i++)
        {
            var probabilities = result.Rows[i].Probabilities!;
            Assert.Equal(3, probabilities.Count);
            Assert.Equal(expected[i].PredictedLabel, result.Rows[i].Label);
            Assert.Equal(expected[i].Score[Array.IndexOf(expected[i].Score, expected[i].Score.Max())], probabilities[expected[i].PredictedLabel], Tolerance);
            Assert.Equal(expected[i].Score.Max(), probabilities.Values.Max(), Tolerance);
            Assert.Equal(expected[i].Score.Sum(), probabilities.Values.Sum(), Tolerance);
        }
    }

    [Fact]
    public async Task Predict_EightThreadsAtOnce_GiveIdenticalResults()
    {
        using var model = await _runtime.LoadAsync(new MemoryStream(TrainBinary(out _)));
        var batch = Batch(Rows(seed: 5, count: 25));
        var reference = model.Predict(batch).Rows;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 20).Select(_ => model.Predict(batch).Rows).ToList())));

        foreach (var rows in results.SelectMany(r => r))
        {
            Assert.Equal(reference.Select(r => (r.Label, r.Score)), rows.Select(r => (r.Label, r.Score)));
        }
    }

    [Fact]
    public async Task Predict_BatchMissingColumn_ThrowsArgumentExceptionNamingIt()
    {
        using var model = await _runtime.LoadAsync(new MemoryStream(TrainBinary(out _)));
        var columns = new Dictionary<string, Array>(Batch(Rows(seed: 1, count: 2)).Columns);
        columns.Remove("History_1");

        var ex = Assert.Throws<ArgumentException>(() => model.Predict(new FeatureBatch(2, columns)));

        Assert.Contains("'History_1'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ModelSavedWithoutInputSchema_ThrowsInvalidModelException()
    {
        var context = new MLContext(seed: 0);
        var data = context.Data.LoadFromEnumerable(Rows(seed: 1, count: 50));
        var trained = FitBinary(context, data);
        using var stream = new MemoryStream();
        context.Model.Save(trained, inputSchema: null, stream);

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => _runtime.LoadAsync(new MemoryStream(stream.ToArray())));

        Assert.Contains("without its input schema", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_CorruptFile_ThrowsInvalidModelException()
    {
        var bytes = TrainBinary(out _);

        await Assert.ThrowsAsync<InvalidModelException>(() => _runtime.LoadAsync(new MemoryStream(bytes[..(bytes.Length / 2)])));
    }

    private static byte[] TrainBinary(out MLContext context)
    {
        context = new MLContext(seed: 0);
        var data = context.Data.LoadFromEnumerable(Rows(seed: 42, count: 200));
        var trained = FitBinary(context, data);
        using var stream = new MemoryStream();
        context.Model.Save(trained, data.Schema, stream);
        return stream.ToArray();
    }

    private static TransformerChain<BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>>> FitBinary(
        MLContext context, IDataView data) =>
        context.Transforms.Conversion.ConvertType("IncomeSingle", "Income", DataKind.Single)
            .Append(context.Transforms.Categorical.OneHotEncoding("PurposeEncoded", "Purpose"))
            .Append(context.Transforms.Concatenate("Features", "Age", "IncomeSingle", "PurposeEncoded", "History"))
            .Append(context.BinaryClassification.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 5))
            .Fit(data);

    private static List<T> Expected<T>(MLContext context, byte[] bytes, List<LoanApplication> rows)
        where T : class, new()
    {
        var model = context.Model.Load(new MemoryStream(bytes), out _);
        using var engine = context.Model.CreatePredictionEngine<LoanApplication, T>(model);
        return rows.Select(engine.Predict).ToList();
    }

    private static List<LoanApplication> Rows(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var age = 20 + random.Next(50);
            var income = 20_000 + random.Next(80_000);
            return new LoanApplication
            {
                Age = age,
                Income = income,
                Purpose = Purposes[(i + random.Next(2)) % Purposes.Length],
                History = [random.Next(5), random.Next(5), random.Next(5)],
                Label = (income < 50_000 && age < 40) || random.Next(10) == 0,
            };
        }).ToList();
    }

    private static FeatureBatch Batch(List<LoanApplication> rows) => new(rows.Count, new Dictionary<string, Array>
    {
        ["Age"] = rows.Select(r => (double)r.Age).ToArray(),
        ["Income"] = rows.Select(r => r.Income).ToArray(),
        ["Purpose"] = rows.Select(r => r.Purpose).ToArray(),
        ["History_0"] = rows.Select(r => (double)r.History[0]).ToArray(),
        ["History_1"] = rows.Select(r => (double)r.History[1]).ToArray(),
        ["History_2"] = rows.Select(r => (double)r.History[2]).ToArray(),
    });

    public sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }
    }

    public sealed class MulticlassPrediction
    {
        public string PredictedLabel { get; set; } = "";

        public float[] Score { get; set; } = [];
    }
}
