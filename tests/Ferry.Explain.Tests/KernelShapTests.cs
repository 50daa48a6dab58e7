using Ferry.Explain.Shap;

namespace Ferry.Explain.Tests;

/// <summary>KernelSHAP against exact interventional Shapley values (brute force over the same background).</summary>
public sealed class KernelShapTests
{
    // A non-additive model: interactions, a threshold and a product of three features.
    private static double Model(double[] x) =>
        (x[0] * x[1]) + Math.Sin(x[2]) + (x[3] > 0.2 ? 1.5 : -0.5) + (0.3 * x[4] * x[5] * x[6]) + x[7] - (0.5 * x[8] * x[8]) + (x[9] * x[0]);

    private static double[] Batch(double[][] rows) => [.. rows.Select(Model)];

    private static (double[] Row, double[][] Background) Data(int seed, int features)
    {
        var random = new Random(seed);
        double[] Row() => [.. Enumerable.Range(0, features).Select(_ => Math.Round((random.NextDouble() * 4) - 2, 2))];
        return (Row(), [.. Enumerable.Range(0, 8).Select(_ => Row())]);
    }

    [Fact]
    public void EnumeratingEveryCoalition_GivesExactValues()
    {
        var (row, background) = Data(1, 10);
        var small = row[..6];
        var smallBackground = background.Select(b => b[..6]).ToArray();
        double Small(double[] x) => (x[0] * x[1]) + Math.Sin(x[2]) + (x[3] > 0.2 ? 1 : 0) + (x[4] * x[5] * x[0]);
        var e = new KernelShap(new KernelShapOptions { SampleCount = 100 }).Explain(rows => [.. rows.Select(Small)], small, smallBackground);
        var exact = ExactShapley.Interventional(rows => [.. rows.Select(Small)], small, smallBackground);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(exact.Attributions[i], e.Attributions[i], 1e-9);
            Assert.Equal(0, e.StandardErrors![i]);
        }

        Assert.Equal(exact.BaseValue, e.BaseValue, 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SampledValues_AreWithinFourStandardErrors_OfExact(int seed)
    {
        var (row, background) = Data(seed, 10);
        var options = new KernelShapOptions { SampleCount = 600, Seed = seed }; // < 2^10 − 2: sampled
        var e = new KernelShap(options).Explain(Batch, row, background);
        var exact = ExactShapley.Interventional(Batch, row, background);
        Assert.True(e.LocalAccuracyGap < 1e-9, $"gap {e.LocalAccuracyGap}");
        Assert.Equal(exact.BaseValue, e.BaseValue, 12);
        Assert.Equal(exact.Output, e.Output, 12);
        for (var i = 0; i < row.Length; i++)
        {
            var error = e.StandardErrors![i];
            Assert.True(error > 0, $"feature {i} has no error estimate");
            Assert.True(Math.Abs(e.Attributions[i] - exact.Attributions[i]) <= (4 * error) + 1e-9,
                $"feature {i}: {e.Attributions[i]} vs exact {exact.Attributions[i]} (SE {error})");
        }
    }

    [Fact]
    public void MoreSamples_ShrinkTheError()
    {
        var (row, background) = Data(4, 10);
        var few = new KernelShap(new KernelShapOptions { SampleCount = 200, Seed = 4 }).Explain(Batch, row, background);
        var many = new KernelShap(new KernelShapOptions { SampleCount = 1000, Seed = 4 }).Explain(Batch, row, background);
        Assert.True(many.StandardErrors!.Sum() < few.StandardErrors!.Sum());
    }

    [Fact]
    public void SameSeed_GivesSameExplanation()
    {
        var (row, background) = Data(5, 10);
        var options = new KernelShapOptions { SampleCount = 300, Seed = 9 };
        Assert.Equal(new KernelShap(options).Explain(Batch, row, background).Attributions,
            new KernelShap(options).Explain(Batch, row, background).Attributions);
    }

    [Fact]
    public void MixedStringAndNumberRows_AreExplained_PerSourceFeature()
    {
        // Rows as the server holds them: purpose is a string, the model one-hot encodes it itself.
        static double Score(object?[] r) =>
            (0.8 * (double)r[0]!) + ((string)r[1]! == "small_business" ? 1.2 : (string)r[1]! == "car" ? -0.3 : 0) + (0.5 * (double)r[0]! * (double)r[2]!);
        object?[] row = [0.61, "small_business", 1.0];
        object?[][] background = [[0.3, "car", 0.0], [0.2, "home", 1.0], [0.5, "small_business", 2.0]];
        var e = new KernelShap().Explain<object?>(rows => [.. rows.Select(Score)], row, background);
        var exact = ExactShapley.Interventional<object?>(rows => [.. rows.Select(Score)], row, background);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(exact.Attributions[i], e.Attributions[i], 1e-9);
        }
    }

    [Fact]
    public void RecordsByFeatureName_AreExplained_LikeArrays()
    {
        static double Score(IReadOnlyDictionary<string, object?> r) =>
            (2 * (double)r["dti"]!) + ((string)r["purpose"]! == "business" ? 1 : 0) - (0.01 * (double)r["age"]!);
        var row = new Dictionary<string, object?> { ["dti"] = 0.6, ["purpose"] = "business", ["age"] = 30.0 };
        IReadOnlyDictionary<string, object?>[] background =
        [
            new Dictionary<string, object?> { ["dti"] = 0.3, ["purpose"] = "car", ["age"] = 50.0 },
            new Dictionary<string, object?> { ["dti"] = 0.2, ["purpose"] = "business", ["age"] = 40.0 },
        ];
        var e = new KernelShap().ExplainRecord(rows => [.. rows.Select(Score)], row, background);
        Assert.Equal(["dti", "purpose", "age"], e.FeatureNames);
        // Additive model: φ_i = f_i(x_i) − mean_b f_i(b_i).
        Assert.Equal(2 * (0.6 - 0.25), e.Attributions[0], 1e-9);
        Assert.Equal(1 - 0.5, e.Attributions[1], 1e-9);
        Assert.Equal(-0.01 * (30 - 45), e.Attributions[2], 1e-9);
    }

    [Fact]
    public void Groups_MoveOneHotSlots_Together()
    {
        var groups = new FeatureGroups([new("dti", "dti"), new("p=car", "purpose"), new("p=home", "purpose")]);
        static double Score(double[] r) => (r[0] * (1 + r[1])) + (2 * r[2]);
        double[] row = [0.5, 1, 0];
        double[][] background = [[0.1, 0, 1], [0.2, 0, 0], [0.9, 1, 0]];
        var e = new KernelShap().Explain(rows => [.. rows.Select(Score)], row, background, groups);
        var exact = ExactShapley.Interventional(rows => [.. rows.Select(Score)], row, background, groups);
        Assert.Equal(["dti", "purpose"], e.FeatureNames);
        Assert.Equal(exact.Attributions[0], e.Attributions[0], 1e-9);
        Assert.Equal(exact.Attributions[1], e.Attributions[1], 1e-9);
    }

    [Fact]
    public void FeatureEqualToEveryBackgroundValue_GetsZero()
    {
        double[] row = [1, 2, 3];
        double[][] background = [[0, 2, 1], [5, 2, 0]];
        var e = new KernelShap().Explain(rows => [.. rows.Select(r => r.Sum() * r[1])], row, background);
        Assert.Equal(0, e.Attributions[1]);
        Assert.True(e.LocalAccuracyGap < 1e-9);
    }
}
