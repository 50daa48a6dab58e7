using Ferry.Explain.Importance;

namespace Ferry.Explain.Tests;

public sealed class ImportanceTests
{
    [Fact]
    public void MeanAbsoluteShap_RanksFeatures()
    {
        Explanation E(double a, double b) => new(0, [a, b], a + b, "value", "test") { FeatureNames = ["a", "b"] };
        var importance = GlobalImportance.MeanAbsoluteShap([E(1, -3), E(-2, 1), E(0, 2)]);
        Assert.Equal(["b", "a"], importance.Select(i => i.Feature));
        Assert.Equal(2, importance[0].Importance, 12); // |b| = 3, 1, 2
        Assert.Equal(1, importance[1].Importance, 12); // |a| = 1, 2, 0
        Assert.Equal(1, importance[0].StandardDeviation, 12);
        Assert.Equal(1, importance[1].StandardDeviation, 12);
    }

    [Fact]
    public void RocAucAndLogLoss_MatchHandWorkedValues()
    {
        // Positives scored 0.35 and 0.8, negatives 0.1 and 0.4: pairs won 3 of 4.
        Assert.Equal(0.75, BinaryMetrics.RocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);
        Assert.Equal(0.5, BinaryMetrics.RocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true]), 12);
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.6)) / 2, BinaryMetrics.LogLoss([0.8, 0.4], [true, false]), 12);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    public void TreePermutationScorer_ShuffledSlots_EqualWalkingEveryTreeOfTheShuffledVectors(int seed, int outputs)
    {
        var ensemble = RandomTrees.Ensemble(seed, trees: 25, outputs, features: 6);
        var random = new Random(seed);
        var vectors = Enumerable.Range(0, 300).Select(_ => RandomTrees.Row(random, 6)).ToArray();
        var output = outputs - 1;
        var scorer = new TreePermutationScorer(ensemble, vectors, output);

        Assert.Equal(vectors.Select(x => ensemble.PredictTransformed(x)[output]), scorer.Baseline());
        foreach (int[] slots in new[] { new[] { 0 }, [2, 5], [1, 3, 4] })
        {
            var order = Enumerable.Range(0, vectors.Length).ToArray();
            random.Shuffle(order);

            var scores = scorer.Shuffled(slots, order);

            for (var i = 0; i < vectors.Length; i++)
            {
                var x = (double[])vectors[i].Clone();
                foreach (var slot in slots)
                {
                    x[slot] = vectors[order[i]][slot];
                }

                // Bit for bit: the leaves are summed in tree order, as walking every tree does.
                Assert.Equal(ensemble.PredictTransformed(x)[output], scores[i]);
            }
        }
    }

    [Fact]
    public void PermutationImportance_FindsTheOnlyFeatureTheModelUses()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 400).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToArray();
        var labels = rows.Select(r => r[0] + (0.3 * random.NextDouble()) > 0.65).ToArray();
        double[] Model(double[][] batch) => [.. batch.Select(r => 1 / (1 + Math.Exp(-8 * (r[0] - 0.5))))];
        var groups = FeatureGroups.Identity(["signal", "noise", "noise2"]);
        foreach (var metric in new[] { ImportanceMetric.RocAuc, ImportanceMetric.LogLoss })
        {
            var result = PermutationImportance.Compute(Model, rows, labels, groups, new PermutationImportanceOptions { Repeats = 4, Seed = 1, Metric = metric });
            Assert.Equal("signal", result.Features[0].Feature);
            Assert.True(result.Features[0].Importance > 0.1);
            Assert.True(result.Features[0].StandardDeviation > 0);
            Assert.All(result.Features.Skip(1), f => Assert.Equal((0.0, 0.0), (f.Importance, f.StandardDeviation)));
        }

        var seeded = PermutationImportance.Compute(Model, rows, labels, groups, new PermutationImportanceOptions { Seed = 7 });
        Assert.Equal(seeded, PermutationImportance.Compute(Model, rows, labels, groups, new PermutationImportanceOptions { Seed = 7 }), new ResultComparer());
    }

    private sealed class ResultComparer : IEqualityComparer<PermutationImportanceResult>
    {
        public bool Equals(PermutationImportanceResult? x, PermutationImportanceResult? y) =>
            x!.BaselineScore == y!.BaselineScore && x.Features.SequenceEqual(y.Features);

        public int GetHashCode(PermutationImportanceResult obj) => 0;
    }
}
