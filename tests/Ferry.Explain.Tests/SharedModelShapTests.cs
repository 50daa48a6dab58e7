using System.Globalization;
using System.Text.Json;
using Ferry.Explain.Readers;
using Ferry.Explain.Shap;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Tests;

/// <summary>
/// Exact SHAP per raw column on the exporter-made pipelines of ../shared/models (skl2onnx / onnxmltools exports:
/// Imputer, Scaler, OneHotEncoder, Concat, Reshape, then a tree ensemble or a linear classifier), against the
/// reference values in each <c>*_shap.json</c> (README: 1e-6 per attribution and base; 1e-3 for the loss amounts).
/// Covers and the linear background come from train.csv, as the references were computed.
/// </summary>
public sealed class SharedModelShapTests
{
    [Theory]
    [InlineData("gbc_pipeline", "gbc_pipeline", 1e-6, ExplanationSpaces.LogOdds)]
    [InlineData("gbc_pipeline_zipmap", "gbc_pipeline", 1e-6, ExplanationSpaces.LogOdds)]
    [InlineData("xgb_pipeline", "xgb_pipeline", 1e-6, ExplanationSpaces.LogOdds)]
    [InlineData("rf_pipeline", "rf_pipeline", 1e-6, ExplanationSpaces.Probability)]
    [InlineData("hgb_pipeline", "hgb_pipeline", 1e-6, ExplanationSpaces.LogOdds)]
    [InlineData("loss_regressor", "loss_regressor", 1e-3, ExplanationSpaces.Value)]
    public void TreePipeline_ExplainedPerRawColumn_MatchesReferenceShap(string model, string reference, double tolerance, string space)
    {
        var read = OnnxTreeEnsembleReader.ReadFile(SharedModels.File(model + ".onnx"));
        Assert.Null(read.TracingProblem);
        Assert.Equal(space, read.Ensemble.MarginSpace);
        Assert.Equal(SharedModels.Columns, read.Groups.Sources);
        var shap = Trees(read);
        var entry = SharedModels.Shap(reference).GetProperty("models").GetProperty(reference);
        AssertMatches(entry, row => shap.Explain(read.Featurizer!.Featurize(row)), tolerance);
    }

    [Fact]
    public void MulticlassPipeline_ExplainedPerClassAndRawColumn_MatchesReferenceShap()
    {
        var read = OnnxTreeEnsembleReader.ReadFile(SharedModels.File("grade_multiclass.onnx"));
        Assert.Null(read.TracingProblem);
        Assert.Equal(3, read.Ensemble.OutputCount);
        var shap = Trees(read);
        var models = SharedModels.Shap("grade_multiclass").GetProperty("models");
        for (var k = 0; k < read.ClassLabels.Count; k++)
        {
            var output = k;
            var entry = models.GetProperty($"grade_multiclass[{read.ClassLabels[k]}]");
            AssertMatches(entry, row => shap.Explain(read.Featurizer!.Featurize(row), output), 1e-6);
        }
    }

    [Fact]
    public void LinearPipeline_ExplainedPerRawColumn_MatchesReferenceShap()
    {
        var read = OnnxLinearModelReader.ReadFile(SharedModels.File("lr_pipeline.onnx"));
        Assert.Null(read.TracingProblem);
        Assert.Equal(SharedModels.Columns, read.Groups.Sources);
        var background = SharedModels.Train.Select(read.Featurizer!.Featurize).ToArray();
        var shap = new LinearShap(read.Model, background);
        Assert.Equal(ExplanationSpaces.LogOdds, read.Model.MarginSpace);
        var entry = SharedModels.Shap("lr_pipeline").GetProperty("models").GetProperty("lr_pipeline");
        AssertMatches(entry, row => read.Groups.Group(shap.Explain(read.Featurizer.Featurize(row))), 1e-6);
    }

    [Fact]
    public void TreePipeline_SummedSlotValues_DifferFromRawColumnGame()
    {
        // Guards the reason players are raw columns: per-slot TreeSHAP summed per column explains another game, and
        // on these one-hot pipelines it misses the reference by far more than the tolerance.
        var read = OnnxTreeEnsembleReader.ReadFile(SharedModels.File("gbc_pipeline.onnx"));
        var covered = CoverEstimator.WithCovers(read.Ensemble, SharedModels.Train.Select(read.Featurizer!.Featurize));
        var slots = new PathDependentTreeShap(covered);
        var entry = SharedModels.Shap("gbc_pipeline").GetProperty("models").GetProperty("gbc_pipeline");
        var worst = 0.0;
        foreach (var (row, expected) in SharedModels.ShapRows(entry))
        {
            var grouped = read.Groups.Group(slots.Explain(read.Featurizer.Featurize(row)));
            for (var j = 0; j < SharedModels.Columns.Length; j++)
            {
                worst = Math.Max(worst, Math.Abs(grouped.Attributions[j] - expected.GetProperty("shap").GetProperty(SharedModels.Columns[j]).GetDouble()));
            }
        }

        Assert.True(worst > 1e-4, $"summed slot values came within {worst} of the raw-column game");
    }

    [Fact]
    public void UntraceableNode_IsNamedWithItsOp_AndNoFeaturizerIsOffered()
    {
        // gbc_pipeline with its Imputer replaced by an Abs node: ONNX Runtime could run it, the tracer cannot follow it.
        var model = Onnx.ModelProto.Parser.ParseFrom(System.IO.File.ReadAllBytes(SharedModels.File("gbc_pipeline.onnx")));
        var imputer = model.Graph.Node.Single(n => n.OpType == "Imputer");
        imputer.OpType = "Abs";
        imputer.Domain = string.Empty;
        imputer.Attribute.Clear();
        using var stream = new MemoryStream(Google.Protobuf.MessageExtensions.ToByteArray(model));

        var read = OnnxTreeEnsembleReader.Read(stream);

        Assert.Null(read.Featurizer);
        Assert.Contains($"'Abs' (node '{imputer.Name}')", read.TracingProblem, StringComparison.Ordinal);
    }

    private static PathDependentTreeShap Trees(OnnxTreeModel read)
    {
        var covered = CoverEstimator.WithCovers(read.Ensemble, SharedModels.Train.Select(read.Featurizer!.Featurize));
        return new PathDependentTreeShap(covered, read.Groups);
    }

    private static void AssertMatches(JsonElement entry, Func<IReadOnlyDictionary<string, object?>, Explanation> explain, double tolerance)
    {
        var rows = 0;
        foreach (var (row, expected) in SharedModels.ShapRows(entry))
        {
            var explanation = explain(row);
            var index = expected.GetProperty("index").GetInt32();
            Assert.Equal(SharedModels.Columns, explanation.FeatureNames);
            var baseValue = expected.GetProperty("base").GetDouble();
            Assert.True(Math.Abs(baseValue - explanation.BaseValue) <= tolerance, $"row {index}: base {explanation.BaseValue}, expected {baseValue}");
            for (var j = 0; j < SharedModels.Columns.Length; j++)
            {
                var column = SharedModels.Columns[j];
                var want = expected.GetProperty("shap").GetProperty(column).GetDouble();
                Assert.True(Math.Abs(want - explanation.Attributions[j]) <= tolerance,
                    $"row {index}, {column}: {explanation.Attributions[j]}, expected {want}");
            }

            // Local accuracy against the float64 output, to the same tolerance (the runtime's float32 sums differ more).
            Assert.True(Math.Abs(explanation.BaseValue + explanation.Attributions.Sum() - expected.GetProperty("output").GetDouble()) <= tolerance * 10);
            rows++;
        }

        Assert.Equal(40, rows);
    }
}

/// <summary>The shared exporter-made models and data in ../shared/models beside the repository root.</summary>
internal static class SharedModels
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Ferry.slnx")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "models"));
            }
        }

        throw new InvalidOperationException($"No Ferry.slnx above {AppContext.BaseDirectory}.");
    });

    private static readonly Lazy<IReadOnlyDictionary<string, object?>[]> TrainRows = new(() => Read("train.csv"));

    private static readonly Lazy<IReadOnlyDictionary<string, object?>[]> TestRows = new(() => Read("test.csv"));

    public static readonly string[] Columns =
    [
        "income", "age", "debt_ratio", "credit_utilization", "num_open_accounts", "num_late_payments_30d", "num_late_payments_90d",
        "months_employed", "loan_amount", "loan_term_months", "interest_rate", "savings_balance", "num_credit_inquiries",
        "credit_history_years", "monthly_expenses", "dependents", "revolving_balance", "home_ownership", "loan_purpose", "employment_type",
    ];

    private static readonly HashSet<string> Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    /// <summary>The 4,000 training rows (feature columns only; empty numeric cells are NaN).</summary>
    public static IReadOnlyDictionary<string, object?>[] Train => TrainRows.Value;

    /// <summary>The 800 test rows.</summary>
    public static IReadOnlyDictionary<string, object?>[] Test => TestRows.Value;

    public static string File(string name)
    {
        var path = Path.Combine(Folder.Value, name);
        return System.IO.File.Exists(path) ? path : throw new FileNotFoundException($"The shared model file {path} is missing.", path);
    }

    public static JsonElement Shap(string model) => TestFiles.Json(File(model + "_shap.json"));

    /// <summary>The reference rows of one SHAP entry with the test row each explains.</summary>
    public static IEnumerable<(IReadOnlyDictionary<string, object?> Row, JsonElement Expected)> ShapRows(JsonElement entry) =>
        entry.GetProperty("rows").EnumerateArray().Select(r => (Test[r.GetProperty("index").GetInt32()], r));

    private static IReadOnlyDictionary<string, object?>[] Read(string name)
    {
        var lines = System.IO.File.ReadAllLines(File(name));
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(line =>
        {
            var cells = line.Split(',');
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var column in Columns)
            {
                var cell = cells[Array.IndexOf(header, column)];
                row[column] = Categorical.Contains(column)
                    ? cell
                    : cell.Length == 0 ? double.NaN : (double)float.Parse(cell, CultureInfo.InvariantCulture);
            }

            return (IReadOnlyDictionary<string, object?>)row;
        })];
    }
}
