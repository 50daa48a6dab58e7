using Ferry.Explain.Linear;
using Ferry.Explain.Shap;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Tests;

/// <summary>Linear SHAP against brute-force interventional Shapley values.</summary>
public sealed class LinearShapTests
{
    [Fact]
    public void LinearShap_EqualsBruteForceInterventionalValues()
    {
        var model = new LinearModel([[0.5, -1.25, 2]], [0.3], PostTransform.Logistic);
        double[][] background = [[1, 2, 3], [0, -1, 0.5], [2, 0, 1]];
        double[] x = [1.5, 0.5, -1];
        var e = new LinearShap(model, background).Explain(x);
        var exact = ExactShapley.Interventional(rows => [.. rows.Select(r => model.PredictRaw(r)[0])], x, background, space: "log-odds");
        Assert.Equal(ExplanationSpaces.LogOdds, e.Space);
        Assert.Equal(exact.BaseValue, e.BaseValue, 12);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(exact.Attributions[i], e.Attributions[i], 12);
        }

        Assert.True(e.LocalAccuracyGap < 1e-12);
    }
}
