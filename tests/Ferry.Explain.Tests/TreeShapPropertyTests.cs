using CsCheck;
using Ferry.Explain.Shap;

namespace Ferry.Explain.Tests;

/// <summary>Both TreeSHAP algorithms against brute-force Shapley values of their value functions, on random trees.</summary>
public sealed class TreeShapPropertyTests
{
    private static readonly Gen<(int Seed, int Trees, int Outputs, int Features)> Cases =
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 3], Gen.Int[1, 2], Gen.Int[1, 5], (s, t, o, f) => (s, t, o, f));

    [Fact]
    public void PathDependent_EqualsBruteForce_WithCoverWeightedValueFunction()
    {
        Cases.Sample(c =>
        {
            var ensemble = RandomTrees.Ensemble(c.Seed, c.Trees, c.Outputs, c.Features);
            var shap = new PathDependentTreeShap(ensemble);
            var random = new Random(c.Seed ^ 0x5eed);
            for (var r = 0; r < 3; r++)
            {
                var x = RandomTrees.Row(random, c.Features);
                AssertEqualsBruteForce(shap.ExplainAllOutputs(x), c.Outputs, c.Features, (mask, k) => Reference.PathDependentValue(ensemble, x, mask, k));
            }
        }, iter: 300);
    }

    [Fact]
    public void Interventional_EqualsBruteForce_WithInterventionalValueFunction()
    {
        Cases.Sample(c =>
        {
            var ensemble = RandomTrees.Ensemble(c.Seed, c.Trees, c.Outputs, c.Features);
            var random = new Random(c.Seed ^ 0xbac);
            var background = Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomTrees.Row(random, c.Features)).ToArray();
            var shap = new InterventionalTreeShap(ensemble, background);
            for (var r = 0; r < 3; r++)
            {
                var x = RandomTrees.Row(random, c.Features);
                AssertEqualsBruteForce(shap.ExplainAllOutputs(x), c.Outputs, c.Features, (mask, k) => Reference.InterventionalValue(ensemble, x, background, mask, k));
            }
        }, iter: 300);
    }

    /// <summary>Each of the first <paramref name="outputs"/> explanations equals the brute-force Shapley values of
    /// <paramref name="value"/> (players present, output) for that output.</summary>
    private static void AssertEqualsBruteForce(Explanation[] explanations, int outputs, int features, Func<ulong, int, double> value)
    {
        for (var k = 0; k < outputs; k++)
        {
            var exact = ExactShapley.Explain(features, mask => value(mask, k), "test");
            Assert.Equal(exact.BaseValue, explanations[k].BaseValue, 1e-9);
            Assert.Equal(exact.Output, explanations[k].Output, 1e-9);
            for (var i = 0; i < features; i++)
            {
                Assert.Equal(exact.Attributions[i], explanations[k].Attributions[i], 1e-9);
            }

            Assert.True(explanations[k].LocalAccuracyGap < 1e-9);
        }
    }
}
