using System.Text.Json;
using Ferry.Explain.Readers;
using Ferry.Explain.Shap;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Tests;

/// <summary>
/// The ops skl2onnx emits beyond the shared models, on small pipelines made by
/// tests/testdata/explain/make_exporter_ops.py, against references computed there from scikit-learn (brute-force
/// Shapley over raw columns with the trees' own weighted_n_node_samples; linear SHAP from the fitted coefficients):
/// Binarizer and OrdinalEncoder's LabelEncoder before a tree ensemble, a Normalizer before one (not traceable, named),
/// and the L1 Normalizer after a one-vs-rest LinearClassifier (a post-transform).
/// </summary>
public sealed class ExporterOpsTests
{
    private static readonly Lazy<JsonElement> Cases = new(() => TestFiles.Json(TestFiles.Explain("exporter_ops.json")));

    private static readonly string[] Columns = ["a", "b", "c", "color", "size"];

    [Fact]
    public void BinarizerAndOrdinalPipeline_ExplainedPerRawColumn_MatchesBruteForceReference()
    {
        var read = OnnxTreeEnsembleReader.ReadFile(TestFiles.Explain("binarizer_ordinal_gbc.onnx"));
        Assert.Null(read.TracingProblem);
        Assert.Equal(["b", "a", "c", "color", "size"], read.Groups.Sources);
        var covered = CoverEstimator.WithCovers(read.Ensemble, Rows("train").Select(read.Featurizer!.Featurize));
        var shap = new PathDependentTreeShap(covered, read.Groups);
        var rows = Rows("rows");

        foreach (var expected in Cases.Value.GetProperty("binarizer_ordinal_gbc").GetProperty("explained").EnumerateArray())
        {
            var index = expected.GetProperty("index").GetInt32();
            var explanation = shap.Explain(read.Featurizer.Featurize(rows[index]));
            Assert.Equal(expected.GetProperty("base").GetDouble(), explanation.BaseValue, 1e-6);
            Assert.Equal(expected.GetProperty("output").GetDouble(), explanation.BaseValue + explanation.Attributions.Sum(), 1e-5);
            foreach (var column in Columns)
            {
                var attribution = explanation.Attributions[read.Groups.Sources.ToList().IndexOf(column)];
                Assert.True(Math.Abs(expected.GetProperty("shap").GetProperty(column).GetDouble() - attribution) <= 1e-6, $"row {index}, {column}: {attribution}");
            }
        }
    }

    [Fact]
    public void BinarizerAndOrdinalPipeline_FeatureVector_ScoresAsOnnxRuntimeAndScikitLearn()
    {
        // Unknown categories take LabelEncoder's default (-1), as in ONNX Runtime; b = 0.3 sits on the threshold.
        var read = OnnxTreeEnsembleReader.ReadFile(TestFiles.Explain("binarizer_ordinal_gbc.onnx"));
        using var runtime = new OnnxRunner(TestFiles.Explain("binarizer_ordinal_gbc.onnx"));
        var rows = Rows("rows").ToList();
        var probabilities = TestFiles.Matrix(Cases.Value.GetProperty("binarizer_ordinal_gbc").GetProperty("predict_proba"));
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(probabilities[i][1], read.Ensemble.PredictTransformed(read.Featurizer!.Featurize(rows[i]))[0], 1e-5);
        }

        rows.Add(new Dictionary<string, object?> { ["a"] = 0.5, ["b"] = (double)0.3f, ["c"] = 4.0, ["color"] = "purple", ["size"] = "XXL" });
        rows.Add(new Dictionary<string, object?> { ["a"] = -1.0, ["b"] = 0.31, ["c"] = 6.0, ["color"] = "red", ["size"] = "tiny" });
        var onnx = runtime.Run(rows, "probabilities");
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(onnx[i][1], read.Ensemble.PredictTransformed(read.Featurizer!.Featurize(rows[i]))[0], 1e-6);
        }

        var unknown = read.Featurizer!.Featurize(rows[^2]);
        Assert.Equal([-1.0, -1.0], unknown[^2..]);
    }

    [Fact]
    public void NormalizerBeforeTrees_IsNotTraced_AndTheNodeIsNamed()
    {
        var read = OnnxTreeEnsembleReader.ReadFile(TestFiles.Explain("normalizer_gbc.onnx"));

        Assert.Null(read.Featurizer);
        Assert.Contains("'Normalizer' (node 'Normalizer')", read.TracingProblem, StringComparison.Ordinal);
        Assert.Contains("depends on all of its input columns", read.TracingProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void OneVsRestLogistic_NormalizerIsPostTransform_ExplainedPerClassAndRawColumn()
    {
        var read = OnnxLinearModelReader.ReadFile(TestFiles.Explain("ovr_logistic.onnx"));
        Assert.Null(read.TracingProblem);
        Assert.Equal(PostTransform.LogisticNormalized, read.Model.PostTransform);
        Assert.Equal(ExplanationSpaces.LogOdds, read.Model.MarginSpace);
        Assert.Equal(Columns, read.Groups.Sources);
        var reference = Cases.Value.GetProperty("ovr_logistic");
        var rows = Rows("rows");
        var decision = TestFiles.Matrix(reference.GetProperty("decision_function"));
        var probabilities = TestFiles.Matrix(reference.GetProperty("predict_proba"));
        var shap = new LinearShap(read.Model, Rows("train").Select(read.Featurizer!.Featurize));
        using var runtime = new OnnxRunner(TestFiles.Explain("ovr_logistic.onnx"));
        var onnx = runtime.Run(rows, "probabilities");
        var classes = reference.GetProperty("explained").EnumerateArray().ToArray();
        Assert.Equal(3, classes.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            var x = read.Featurizer.Featurize(rows[i]);
            var transformed = read.Model.PredictTransformed(x);
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(probabilities[i][k], transformed[k], 1e-5);
                Assert.Equal(onnx[i][k], transformed[k], 1e-6);
                var explanation = read.Groups.Group(shap.Explain(x, k));
                var expected = classes[k][i];
                Assert.Equal(decision[i][k], explanation.Output, 1e-5);
                Assert.Equal(expected.GetProperty("base").GetDouble(), explanation.BaseValue, 1e-5);
                for (var j = 0; j < Columns.Length; j++)
                {
                    Assert.Equal(expected.GetProperty("shap").GetProperty(Columns[j]).GetDouble(), explanation.Attributions[j], 1e-5);
                }
            }
        }
    }

    private static IReadOnlyDictionary<string, object?>[] Rows(string name)
    {
        var table = Cases.Value.GetProperty(name);
        var count = table.GetProperty("a").GetArrayLength();
        return [.. Enumerable.Range(0, count).Select(i => (IReadOnlyDictionary<string, object?>)Columns.ToDictionary(
            c => c,
            c => table.GetProperty(c)[i] is { ValueKind: JsonValueKind.String } text ? text.GetString() : (object?)table.GetProperty(c)[i].GetDouble()))];
    }
}
