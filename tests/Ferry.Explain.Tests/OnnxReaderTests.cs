using Ferry.Explain.Readers;
using Ferry.Explain.Shap;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Tests;

/// <summary>ONNX tree ensembles against scikit-learn's own outputs, and feature tracing through preprocessing.</summary>
public sealed class OnnxReaderTests
{
    private static readonly string[] CreditColumns =
        ["age", "income", "employment_years", "debt_to_income", "credit_utilisation", "open_accounts", "delinquencies", "loan_amount"];

    [Fact]
    public void CreditGbm_MapsToOneLogOddsOutput_AndReproducesSklearnProbabilities()
    {
        var model = OnnxTreeEnsembleReader.ReadFile(TestFiles.Path("credit_gbm.onnx"));
        var expected = TestFiles.Json(TestFiles.Path("credit_gbm.expected.json"));
        var features = expected.GetProperty("features");
        var probabilities = TestFiles.Matrix(expected.GetProperty("probabilities"));
        Assert.Null(model.TracingProblem);
        Assert.Equal(1, model.Ensemble.OutputCount);
        Assert.Equal(PostTransform.Logistic, model.Ensemble.PostTransform);
        Assert.Equal(ExplanationSpaces.LogOdds, model.Ensemble.MarginSpace);
        Assert.Equal(["0", "1"], model.ClassLabels);
        Assert.Equal(CreditColumns, model.Groups.Sources);
        Assert.All(model.Groups.Slots.Select((s, j) => (s, j)), p => Assert.Equal(("input", (int?)p.j), (p.s.Input, p.s.Column)));
        for (var i = 0; i < probabilities.Length; i++)
        {
            var row = CreditColumns.ToDictionary(c => c, c => (object?)features.GetProperty(c)[i].GetDouble());
            var x = model.Featurizer!.Featurize(row); // columns given by name
            var viaArray = model.Featurizer.Featurize(new Dictionary<string, object?> { ["input"] = x });
            Assert.Equal(x, viaArray);
            Assert.Equal(probabilities[i][1], model.Ensemble.PredictTransformed(x)[0], 1e-5);
        }
    }

    [Fact]
    public void Pipeline_TracesOneHotSlotsToTheirSource_AndReproducesSklearn()
    {
        var model = OnnxTreeEnsembleReader.ReadFile(TestFiles.Explain("credit_tree_pipeline.onnx"));
        var expected = TestFiles.Json(TestFiles.Explain("credit_tree_pipeline.expected.json"));
        Assert.Null(model.TracingProblem);
        Assert.Equal(["age", "debt_to_income", "open_accounts", "purpose"], model.Groups.Sources);
        Assert.Equal(["age", "debt_to_income", "open_accounts", "purpose=car", "purpose=education", "purpose=home", "purpose=small_business"],
            model.Groups.SlotNames);
        Assert.Equal([3, 4, 5, 6], model.Groups.SlotsOf(3));
        Assert.Equal("small_business", model.Groups.Slots[6].Category);

        var rows = Rows(expected);
        var features = TestFiles.Matrix(expected.GetProperty("features"));
        var margins = TestFiles.Numbers(expected.GetProperty("margins"));
        var probabilities = TestFiles.Numbers(expected.GetProperty("probabilities"));
        var vectors = rows.Select(model.Featurizer!.Featurize).ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(features[i], vectors[i]); // float32-exact, like ONNX Runtime
            Assert.Equal(margins[i], model.Ensemble.PredictRaw(vectors[i])[0], 1e-5);
            Assert.Equal(probabilities[i], model.Ensemble.PredictTransformed(vectors[i])[0], 1e-5);
        }

        // Explain per source feature: the purpose attribution is the sum of its one-hot slots.
        var shap = new PathDependentTreeShap(CoverEstimator.WithCovers(model.Ensemble, vectors));
        var slots = shap.Explain(vectors[0]);
        var grouped = model.Groups.Group(slots);
        Assert.Equal(model.Groups.Sources, grouped.FeatureNames);
        Assert.Equal(slots.Attributions[3..].Sum(), grouped.Attributions[3], 12);
        Assert.True(grouped.LocalAccuracyGap < 1e-9);
        Assert.Equal(ExplanationSpaces.LogOdds, grouped.Space);
    }

    [Fact]
    public void MulticlassSoftmax_KeepsOneOutputPerClass()
    {
        var model = OnnxTreeEnsembleReader.ReadFile(TestFiles.Explain("gbm_multiclass.onnx"));
        var expected = TestFiles.Json(TestFiles.Explain("gbm_multiclass.expected.json"));
        var rows = TestFiles.Matrix(expected.GetProperty("rows"));
        var margins = TestFiles.Matrix(expected.GetProperty("margins"));
        var probabilities = TestFiles.Matrix(expected.GetProperty("probabilities"));
        Assert.Equal(3, model.Ensemble.OutputCount);
        Assert.Equal(PostTransform.Softmax, model.Ensemble.PostTransform);
        Assert.Equal(["x[0]", "x[1]", "x[2]", "x[3]"], model.Groups.Sources);
        for (var i = 0; i < rows.Length; i++)
        {
            var raw = model.Ensemble.PredictRaw(rows[i]);
            var p = model.Ensemble.PredictTransformed(rows[i]);
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(margins[i][k], raw[k], 1e-5);
                Assert.Equal(probabilities[i][k], p[k], 1e-5);
            }
        }
    }

    [Fact]
    public void Regressor_ReproducesSklearnPredictions()
    {
        var model = OnnxTreeEnsembleReader.ReadFile(TestFiles.Explain("gbm_regressor.onnx"));
        var expected = TestFiles.Json(TestFiles.Explain("gbm_regressor.expected.json"));
        var rows = TestFiles.Matrix(expected.GetProperty("rows"));
        var predictions = TestFiles.Numbers(expected.GetProperty("predictions"));
        Assert.Equal(ExplanationSpaces.Value, model.Ensemble.MarginSpace);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(predictions[i], model.Ensemble.PredictRaw(rows[i])[0], 1e-5);
        }
    }

    [Fact]
    public void LogisticRegression_ReadsAsOneLogOddsOutput()
    {
        var model = OnnxLinearModelReader.ReadFile(TestFiles.Explain("logistic.onnx"));
        var expected = TestFiles.Json(TestFiles.Explain("logistic.expected.json"));
        var rows = TestFiles.Matrix(expected.GetProperty("rows"));
        var margins = TestFiles.Numbers(expected.GetProperty("margins"));
        var probabilities = TestFiles.Numbers(expected.GetProperty("probabilities"));
        Assert.Equal(1, model.Model.OutputCount);
        Assert.Equal(TestFiles.Numbers(expected.GetProperty("coefficients")), model.Model.Coefficients[0]);
        Assert.Equal(ExplanationSpaces.LogOdds, model.Model.MarginSpace);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(margins[i], model.Model.PredictRaw(rows[i])[0], 1e-6);
            Assert.Equal(probabilities[i], model.Model.PredictTransformed(rows[i])[0], 1e-6);
        }
    }

    [Fact]
    public void MatrixInputWithoutFeatureNames_NamesSlotsByColumn()
    {
        var plain = OnnxTreeEnsembleReader.ReadFile(TestFiles.Explain("gbm_multiclass.onnx"));
        Assert.Equal(new FeatureSlot("x[3]", "x[3]", "x", 3), plain.Groups.Slots[3]);
    }

    internal static IReadOnlyDictionary<string, object?>[] Rows(System.Text.Json.JsonElement expected)
    {
        var inputs = expected.GetProperty("inputs");
        var count = inputs.GetProperty("age").GetArrayLength();
        return [.. Enumerable.Range(0, count).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["age"] = inputs.GetProperty("age")[i].GetDouble(),
            ["debt_to_income"] = inputs.GetProperty("debt_to_income")[i].GetDouble(),
            ["open_accounts"] = inputs.GetProperty("open_accounts")[i].GetInt64(),
            ["purpose"] = inputs.GetProperty("purpose")[i].GetString(),
        })];
    }
}
