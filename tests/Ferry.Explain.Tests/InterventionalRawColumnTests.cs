using Ferry.Explain.Readers;
using Ferry.Explain.Shap;

namespace Ferry.Explain.Tests;

/// <summary>
/// Interventional TreeSHAP with raw columns as players on the shared, exporter-made pipelines (imputer, one-hot
/// encoders, then a random forest or gradient boosting), against brute-force Shapley values of the interventional game
/// over raw columns: v(S) = mean over background rows b of the model's output (probability for the forest, log-odds
/// for boosting) on the raw row that takes the columns in S from x and the others from b (a one-hot column group moves
/// as one, as a raw category does). The background rows equal x except in <see cref="Varying"/>, so the other 12
/// columns are null players and 2^8 coalitions settle the game. On rf_pipeline, whose trees split on two one-hot
/// columns of the same category along one path, slot-level values summed per column miss this game.
/// </summary>
public sealed class InterventionalRawColumnTests
{
    private static readonly string[] Varying =
        ["income", "debt_ratio", "credit_utilization", "months_employed", "interest_rate", "home_ownership", "loan_purpose", "employment_type"];

    [Theory]
    [InlineData("rf_pipeline")]
    [InlineData("gbc_pipeline")]
    public void RawColumnPlayers_OnOneHotPipeline_EqualBruteForceOverRawRows(string model)
    {
        var read = OnnxTreeEnsembleReader.ReadFile(SharedModels.File(model + ".onnx"));
        var featurizer = read.Featurizer!;
        foreach (var index in new[] { 0, 1, 2, 5 })
        {
            var x = SharedModels.Test[index];
            var background = Background(x);
            var shap = new InterventionalTreeShap(read.Ensemble, background.Select(featurizer.Featurize), read.Groups);

            var explanation = shap.Explain(featurizer.Featurize(x));

            // The game in float64: the raw rows featurized by the graph's own arithmetic and the ensemble's margin.
            var brute = BruteForce(x, background, hybrids => [.. hybrids.Select(h => read.Ensemble.PredictRaw(featurizer.Featurize(h))[0])]);
            Assert.Equal(SharedModels.Columns, explanation.FeatureNames);
            Assert.Equal(brute.Base, explanation.BaseValue, 1e-9);
            for (var j = 0; j < SharedModels.Columns.Length; j++)
            {
                var p = Array.IndexOf(Varying, SharedModels.Columns[j]);
                Assert.Equal(p < 0 ? 0 : brute.Phi[p], explanation.Attributions[j], 1e-9);
            }
        }
    }

    [Theory]
    [InlineData("rf_pipeline", false)]
    [InlineData("gbc_pipeline", true)]
    public void RawColumnPlayers_OnOneHotPipeline_MatchOnnxRuntimeOnHybridRows(string model, bool logOdds)
    {
        // The same game played on ONNX Runtime's own outputs (float32 probabilities; log-odds for boosting).
        var read = OnnxTreeEnsembleReader.ReadFile(SharedModels.File(model + ".onnx"));
        using var runtime = new OnnxRunner(SharedModels.File(model + ".onnx"));
        var x = SharedModels.Test[1];
        var background = Background(x);
        var shap = new InterventionalTreeShap(read.Ensemble, background.Select(read.Featurizer!.Featurize), read.Groups);

        var explanation = shap.Explain(read.Featurizer.Featurize(x));

        var brute = BruteForce(x, background, hybrids => [.. runtime.Run(hybrids, "probabilities").Select(p => logOdds ? Math.Log(p[1] / p[0]) : p[1])]);
        for (var p = 0; p < Varying.Length; p++)
        {
            Assert.Equal(brute.Phi[p], explanation.Attributions[Array.IndexOf(SharedModels.Columns, Varying[p])], 2e-5);
        }
    }

    [Fact]
    public void SlotPlayers_SummedPerColumn_DifferFromRawColumnGame()
    {
        // Guards why players are raw columns: slot-level interventional values summed per column explain hybrids that
        // mix one-hot slots of two categories, which no raw row can be.
        var read = OnnxTreeEnsembleReader.ReadFile(SharedModels.File("rf_pipeline.onnx"));
        var featurizer = read.Featurizer!;
        var worst = 0.0;
        foreach (var index in new[] { 0, 1, 2, 5 })
        {
            var x = SharedModels.Test[index];
            var background = Background(x);
            var slots = new InterventionalTreeShap(read.Ensemble, background.Select(featurizer.Featurize));
            var summed = read.Groups.Group(slots.Explain(featurizer.Featurize(x)));
            var brute = BruteForce(x, background, hybrids => [.. hybrids.Select(h => read.Ensemble.PredictRaw(featurizer.Featurize(h))[0])]);
            for (var p = 0; p < Varying.Length; p++)
            {
                worst = Math.Max(worst, Math.Abs(summed.Attributions[Array.IndexOf(SharedModels.Columns, Varying[p])] - brute.Phi[p]));
            }
        }

        Assert.True(worst > 1e-6, $"summed slot values came within {worst} of the raw-column game");
    }

    /// <summary>Sixteen training rows, each copied from x except in the varying columns, which come from the training row.</summary>
    private static IReadOnlyDictionary<string, object?>[] Background(IReadOnlyDictionary<string, object?> x) =>
        [.. SharedModels.Train.Take(16).Select(b => (IReadOnlyDictionary<string, object?>)SharedModels.Columns.ToDictionary(c => c, c => Varying.Contains(c) ? b[c] : x[c]))];

    /// <summary>Shapley values over the varying columns by enumerating every coalition of raw columns.</summary>
    private static (double Base, double[] Phi) BruteForce(
        IReadOnlyDictionary<string, object?> x,
        IReadOnlyDictionary<string, object?>[] background,
        Func<IReadOnlyList<IReadOnlyDictionary<string, object?>>, double[]> margin)
    {
        var coalitions = 1 << Varying.Length;
        var hybrids = new List<IReadOnlyDictionary<string, object?>>();
        for (var mask = 0; mask < coalitions; mask++)
        {
            foreach (var b in background)
            {
                var inX = Varying.Where((_, p) => (mask & (1 << p)) != 0).ToHashSet();
                hybrids.Add(SharedModels.Columns.ToDictionary(c => c, c => inX.Contains(c) ? x[c] : b[c]));
            }
        }

        var margins = margin(hybrids);
        var phi = ExactShapley.Values(Varying.Length, mask => Enumerable.Range(0, background.Length).Average(i => margins[((int)mask * background.Length) + i]));
        return (margins.Take(background.Length).Average(), phi);
    }
}
