using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class DriftDetectorTests
{
    private static readonly DriftTestOptions Auto = new();

    [Fact]
    public void ProfileKs_EqualsRawTest_WhenEveryValueHasItsOwnBucket()
    {
        // Values on a geometric grid with ratio 1.1 (> the sketch's bucket ratio 1.02): the sketch keeps every value
        // distinct and in order, so the empirical CDFs, D and the p-value are exactly those of the raw samples.
        var referenceValues = Enumerable.Range(0, 300).Select(k => 3 * Math.Pow(1.1, k % 97) * (k % 3 == 0 ? -1 : 1)).ToArray();
        var currentValues = Enumerable.Range(0, 400).Select(k => 3 * Math.Pow(1.1, (k * 7 % 89) + 5) * (k % 4 == 0 ? -1 : 1)).ToArray();
        var reference = ReferenceOf(referenceValues);
        var result = DriftDetector.TestColumn(reference, CurrentOf(reference, currentValues), Auto);
        var raw = KolmogorovSmirnov.TwoSample(referenceValues, currentValues);

        Assert.Equal(DriftMethod.KolmogorovSmirnov, result.Method);
        Assert.Equal(raw.Statistic, result.Score);
        Assert.Equal(raw.PValue, result.PValue);
        Assert.Equal(DriftDetector.DefaultPValueThreshold, result.Threshold);
        Assert.Equal(raw.PValue < 0.05, result.Drifted);
    }

    [Theory]
    [InlineData(10.0, 2.0, 0.0)]
    [InlineData(10.0, 2.0, 0.2)]
    [InlineData(700.0, 50.0, 0.0)]
    [InlineData(700.0, 50.0, 5.0)]
    [InlineData(-3.0, 1.0, 0.1)]
    [InlineData(700.0, 10.0, 0.0)]
    public void ProfileKs_OnLargeSamples_IsWithin0Point01OfRawStatistic(double mean, double deviation, double shift)
    {
        var referenceValues = TestData.Normal(1000, mean, deviation, 11);
        var currentValues = TestData.Normal(50_000, mean + shift, deviation, 12);
        var reference = ReferenceOf(referenceValues);
        var result = DriftDetector.TestColumn(reference, CurrentOf(reference, currentValues), Auto);
        var raw = KolmogorovSmirnov.TwoSample(referenceValues, currentValues);

        Assert.Equal(DriftMethod.KolmogorovSmirnov, result.Method);
        Assert.InRange(result.Score - raw.Statistic, -0.01, 0.01);
    }

    [Fact]
    public void Reference_IsReadOnSketchGrid_SoIdenticalNarrowFeaturesDoNotDrift()
    {
        // 700 ± 10: one sketch bucket (2 % of 700 = 14) holds about half the data. Comparing the exact reference values
        // with the bucketed current values would shift D by up to a bucket's share and call two samples of the same
        // distribution drifted; reading both sides on the sketch grid does not.
        var referenceValues = TestData.Normal(1000, 700, 10, 11);
        var reference = ReferenceOf(referenceValues);
        var current = CurrentOf(reference, TestData.Normal(50_000, 700, 10, 12));
        var result = DriftDetector.TestColumn(reference, current, Auto);
        var mixed = KolmogorovSmirnov.TwoSample(referenceValues.Select(v => (v, 1L)), current.Sketch.WeightedValues());

        Assert.False(result.Drifted);
        Assert.True(mixed.PValue < 1e-10, $"exact-against-sketch p = {mixed.PValue}");
    }

    [Theory]
    [InlineData(10.0, 2.0, 0.0)]
    [InlineData(10.0, 2.0, 0.5)]
    [InlineData(700.0, 50.0, 0.0)]
    [InlineData(700.0, 50.0, 10.0)]
    public void ProfileWasserstein_OnLargeSamples_IsCloseToRawDistance(double mean, double deviation, double shift)
    {
        var referenceValues = TestData.Normal(20_000, mean, deviation, 21);
        var currentValues = TestData.Normal(50_000, mean + shift, deviation, 22);
        var reference = ReferenceOf(referenceValues);
        var result = DriftDetector.TestColumn(reference, CurrentOf(reference, currentValues), Auto);
        var raw = Wasserstein.NormalizedDistance(referenceValues, currentValues);

        Assert.Equal(DriftMethod.Wasserstein, result.Method);
        Assert.Null(result.PValue);
        // Both sides are read at sketch-bucket resolution (values move by at most 1 % of |x|), measured here within
        // 0.01 + 0.1 · (bucket half-width / std) of the raw normalised distance.
        var tolerance = 0.01 + (0.1 * 0.01 * Math.Abs(mean) / deviation);
        Assert.InRange(result.Score - raw, -tolerance, tolerance);
    }

    [Fact]
    public void AutomaticChoice_FollowsEvidently()
    {
        var small = Enumerable.Range(0, 1000).Select(i => (double)(i % 50)).ToArray();
        var large = Enumerable.Range(0, 1001).Select(i => (double)(i % 50)).ToArray();
        Assert.Equal(DriftMethod.KolmogorovSmirnov, MethodFor(small, small));
        Assert.Equal(DriftMethod.Wasserstein, MethodFor(large, large));
        Assert.Equal(DriftMethod.ChiSquare, MethodFor([.. small.Select(v => v % 3)], [1.0, 2.0]));
        Assert.Equal(DriftMethod.ZTest, MethodFor([.. small.Select(v => v % 2)], [1.0, 0.0]));
        Assert.Equal(DriftMethod.ChiSquare, MethodFor([.. small.Select(v => v % 2)], [1.0, 7.0]));
        Assert.Equal(DriftMethod.JensenShannon, MethodFor([.. large.Select(v => v % 5)], [1.0, 2.0]));

        Assert.Equal(DriftMethod.ChiSquare, CategoricalMethodFor(1000, 3));
        Assert.Equal(DriftMethod.ZTest, CategoricalMethodFor(1000, 2));
        Assert.Equal(DriftMethod.JensenShannon, CategoricalMethodFor(1001, 2));
        Assert.Equal(DriftMethod.JensenShannon, CategoricalMethodFor(5000, 40));
    }

    [Fact]
    public void CategoricalMethods_EqualTheCountFunctions()
    {
        var (reference, current) = Categorical(["a", "b", "c", "a", "a"], ["a", "b", "b", "c", "d", "b"]);
        var referenceCounts = reference.Profile.Columns["c"].CategoryCounts;
        var currentCounts = current.CategoryCounts;
        var chi = DriftDetector.TestColumn(reference, current, new DriftTestOptions { Method = DriftMethod.ChiSquare });
        // Union a, b, c, d in ordinal order: reference 3, 1, 1, 0 against current 1, 3, 1, 1 (test of homogeneity).
        Assert.Equal(ContingencyChiSquare.Test([3, 1, 1, 0], [1, 3, 1, 1]).PValue, chi.PValue);
        var psi = DriftDetector.TestColumn(reference, current, new DriftTestOptions { Method = DriftMethod.Psi, Threshold = 0.2 });
        Assert.Equal(PopulationStability.Index(referenceCounts, currentCounts), psi.Score);
        Assert.Equal(0.2, psi.Threshold);
        Assert.Equal(psi.Score >= 0.2, psi.Drifted);
        var js = DriftDetector.TestColumn(reference, current, new DriftTestOptions { Method = DriftMethod.JensenShannon });
        Assert.Equal(JensenShannon.Distance(referenceCounts, currentCounts), js.Score);
    }

    [Fact]
    public void NumericPsiAndJs_UseSchemaBins()
    {
        var referenceValues = TestData.Grid(2000, 7919, 10007, 10.0);
        var reference = ReferenceOf(referenceValues);
        var current = CurrentOf(reference, TestData.Grid(3000, 104729, 10009, 12.0));
        var psi = DriftDetector.TestColumn(reference, current, new DriftTestOptions { Method = DriftMethod.Psi });
        Assert.Equal(PopulationStability.Index(reference.Profile.Columns["x"].BinCounts, current.BinCounts), psi.Score);
        var js = DriftDetector.TestColumn(reference, current, new DriftTestOptions { Method = DriftMethod.JensenShannon });
        Assert.Equal(JensenShannon.Distance(reference.Profile.Columns["x"].BinCounts, current.BinCounts), js.Score);
    }

    [Fact]
    public void InapplicableMethod_FallsBackToAutomatic()
    {
        var (reference, current) = Categorical(["a", "b", "c", "a"], ["a", "b", "c"]);
        var result = DriftDetector.TestColumn(reference, current, new DriftTestOptions { Method = DriftMethod.KolmogorovSmirnov });
        Assert.Equal(DriftMethod.ChiSquare, result.Method);
        var z = DriftDetector.TestColumn(reference, current, new DriftTestOptions { Method = DriftMethod.ZTest });
        Assert.Equal(DriftMethod.ChiSquare, z.Method);
    }

    [Fact]
    public void ColumnWithoutCurrentValues_IsSkipped()
    {
        var reference = ReferenceOf([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        var current = CurrentOf(reference, [double.NaN]);
        var result = DriftDetector.TestColumn(reference, current, Auto);
        Assert.True(result.Skipped);
        Assert.False(result.Drifted);
        Assert.True(double.IsNaN(result.Score));
    }

    [Fact]
    public void DatasetShare_CountsTestedColumns_AndPerColumnOptionsOverrideDefault()
    {
        var reference = ReferenceProfile.Build(
        [
            new ReferenceColumnData("a", ColumnKind.Numeric, TestData.Grid(500, 7, 101), null),
            new ReferenceColumnData("b", ColumnKind.Numeric, TestData.Grid(500, 7, 101), null),
            new ReferenceColumnData("empty", ColumnKind.Numeric, TestData.Grid(500, 7, 101), null),
        ]);
        var current = DatasetProfile.Empty(reference.Schema);
        foreach (var value in TestData.Grid(500, 7, 101, 1.0, 0.5))
        {
            current.Columns["a"].AddNumber(value);
        }

        foreach (var value in TestData.Grid(500, 13, 103))
        {
            current.Columns["b"].AddNumber(value);
        }

        current.AddRowCount(500);
        var options = new DriftOptions
        {
            Default = new DriftTestOptions { Method = DriftMethod.Psi, Threshold = 0.2 },
            PerColumn = new Dictionary<string, DriftTestOptions> { ["b"] = new() { Threshold = 1e-9 } },
            DriftShare = 1.0,
        };
        var result = DriftDetector.Test(reference, current, options);

        Assert.Equal(["a", "b", "empty"], result.Columns.Select(c => c.Column));
        Assert.All(result.Columns, c => Assert.Equal(DriftMethod.Psi, c.Method));
        Assert.Equal(1e-9, result.Columns[1].Threshold);
        Assert.True(result.Columns[0].Drifted);
        Assert.True(result.Columns[1].Drifted);
        Assert.True(result.Columns[2].Skipped);
        Assert.Equal(2, result.DriftedColumns);
        Assert.Equal(1.0, result.DriftShare);
        Assert.True(result.Drifted);
    }

    [Fact]
    public void LayoutMismatch_IsRejected()
    {
        var reference = ReferenceOf([1.0, 2.0, 3.0]);
        var other = ColumnProfile.Empty(ColumnSchema.Numeric("x", [2.0], 1.0, 3.0));
        Assert.Throws<ArgumentException>(() => DriftDetector.TestColumn(reference, other, Auto));
        var missing = ColumnProfile.Empty(ColumnSchema.Numeric("y", [2.0], 1.0, 3.0));
        Assert.Throws<ArgumentException>(() => DriftDetector.TestColumn(reference, missing, Auto));
    }

    private static DriftMethod MethodFor(double[] referenceValues, double[] currentValues)
    {
        var reference = ReferenceOf(referenceValues);
        return DriftDetector.TestColumn(reference, CurrentOf(reference, currentValues), Auto).Method;
    }

    private static DriftMethod CategoricalMethodFor(int referenceRows, int categories)
    {
        var values = Enumerable.Range(0, referenceRows).Select(i => (string?)$"k{i % categories}").ToArray();
        var (reference, current) = Categorical(values, ["k0", "k1"]);
        return DriftDetector.TestColumn(reference, current, Auto).Method;
    }

    private static (ReferenceProfile Reference, ColumnProfile Current) Categorical(string?[] referenceValues, string?[] currentValues)
    {
        var reference = ReferenceProfile.Build([new ReferenceColumnData("c", ColumnKind.Categorical, null, referenceValues)]);
        var current = ColumnProfile.Empty(reference.Schema["c"]);
        foreach (var value in currentValues)
        {
            current.AddCategory(value);
        }

        return (reference, current);
    }

    private static ReferenceProfile ReferenceOf(double[] values) =>
        ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, values, null)]);

    private static ColumnProfile CurrentOf(ReferenceProfile reference, double[] values)
    {
        var current = ColumnProfile.Empty(reference.Schema["x"]);
        foreach (var value in values)
        {
            current.AddNumber(value);
        }

        return current;
    }
}
