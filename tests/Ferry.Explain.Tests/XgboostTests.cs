using Ferry.Explain.Readers;
using Ferry.Explain.Shap;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Tests;

/// <summary>XGBoost models and XGBoost's own predictions and pred_contribs (tests/testdata/explain/make_explain_data.py).</summary>
public sealed class XgboostTests
{
    private const double Tolerance = 1e-5; // XGBoost computes in float32

    [Fact]
    public void BinaryModel_ReproducesXgboostMargins_AndProbabilities()
    {
        var model = XgboostJsonReader.ReadFile(TestFiles.Explain("xgb_binary.json"));
        var cases = TestFiles.Json(TestFiles.Explain("xgb_binary.cases.json"));
        var rows = TestFiles.Matrix(cases.GetProperty("rows"));
        var margins = TestFiles.Numbers(cases.GetProperty("margins"));
        var probabilities = TestFiles.Numbers(cases.GetProperty("probabilities"));
        Assert.Equal(PostTransform.Logistic, model.PostTransform);
        Assert.Equal(ExplanationSpaces.LogOdds, model.MarginSpace);
        Assert.True(model.HasCovers);
        Assert.Contains(rows, r => r.Any(double.IsNaN));
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(margins[i], model.PredictRaw(rows[i])[0], Tolerance);
            Assert.Equal(probabilities[i], model.PredictTransformed(rows[i])[0], Tolerance);
        }
    }

    [Fact]
    public void PathDependentShap_EqualsXgboostPredContribs()
    {
        var model = XgboostJsonReader.ReadFile(TestFiles.Explain("xgb_binary.json"));
        var cases = TestFiles.Json(TestFiles.Explain("xgb_binary.cases.json"));
        var rows = TestFiles.Matrix(cases.GetProperty("rows"));
        var contribs = TestFiles.Matrix(cases.GetProperty("contribs"));
        var shap = new PathDependentTreeShap(model);
        for (var i = 0; i < rows.Length; i++)
        {
            var e = shap.Explain(rows[i]);
            for (var f = 0; f < model.FeatureCount; f++)
            {
                Assert.Equal(contribs[i][f], e.Attributions[f], Tolerance);
            }

            Assert.Equal(contribs[i][model.FeatureCount], e.BaseValue, Tolerance); // XGBoost's bias column
            Assert.True(e.LocalAccuracyGap < 1e-9);
        }
    }

    [Fact]
    public void MulticlassShap_EqualsXgboostPredContribs_PerClass()
    {
        var model = XgboostJsonReader.ReadFile(TestFiles.Explain("xgb_multi.json"));
        var cases = TestFiles.Json(TestFiles.Explain("xgb_multi.cases.json"));
        var rows = TestFiles.Matrix(cases.GetProperty("rows"));
        var margins = TestFiles.Matrix(cases.GetProperty("margins"));
        var contribs = cases.GetProperty("contribs").EnumerateArray().Select(TestFiles.Matrix).ToArray();
        Assert.Equal(3, model.OutputCount);
        Assert.Equal(PostTransform.Softmax, model.PostTransform);
        var shap = new PathDependentTreeShap(model);
        for (var i = 0; i < rows.Length; i++)
        {
            var explanations = shap.ExplainAllOutputs(rows[i]);
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(margins[i][k], explanations[k].Output, Tolerance);
                Assert.Equal(contribs[i][k][model.FeatureCount], explanations[k].BaseValue, Tolerance);
                for (var f = 0; f < model.FeatureCount; f++)
                {
                    Assert.Equal(contribs[i][k][f], explanations[k].Attributions[f], Tolerance);
                }
            }
        }
    }

    [Fact]
    public void InterventionalShapOnXgboost_EqualsBruteForce()
    {
        var model = XgboostJsonReader.ReadFile(TestFiles.Explain("xgb_binary.json"));
        var rows = TestFiles.Matrix(TestFiles.Json(TestFiles.Explain("xgb_binary.cases.json")).GetProperty("rows"));
        var background = rows[10..30];
        var shap = new InterventionalTreeShap(model, background);
        foreach (var x in rows[..4])
        {
            var e = shap.Explain(x);
            var exact = ExactShapley.Explain(model.FeatureCount, mask => Reference.InterventionalValue(model, x, background, mask, 0), "test");
            Assert.Equal(exact.BaseValue, e.BaseValue, 1e-9);
            for (var f = 0; f < model.FeatureCount; f++)
            {
                Assert.Equal(exact.Attributions[f], e.Attributions[f], 1e-9);
            }
        }
    }
}
