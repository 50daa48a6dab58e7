using CsCheck;
using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Profiles;

public sealed class QuantileSketchTests
{
    private static readonly Gen<double> WideValue = Gen.OneOf(
        Gen.Double[-1e6, 1e6],
        Gen.Double[-1e-3, 1e-3],
        Gen.Select(Gen.Double[-30, 30], Gen.Bool, (exponent, negative) => (negative ? -1 : 1) * Math.Pow(10, exponent)),
        Gen.Const(0.0));

    private static readonly Gen<double[]> Values = WideValue.Array[0, 60];

    [Fact]
    public void Quantiles_AreWithinRelativeAccuracy_OfOrderStatistic()
    {
        Gen.Double[1e-6, 1e9].Array[1, 300].Sample(values =>
        {
            var sketch = SketchOf(values);
            var sorted = values.Order().ToArray();
            foreach (var q in new[] { 0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0 })
            {
                var expected = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
                var estimate = sketch.Quantile(q);
                Assert.True(
                    Math.Abs(estimate - expected) <= sketch.RelativeAccuracy * expected * (1 + 1e-12),
                    $"q={q}: {estimate} vs {expected}");
            }
        });
    }

    [Fact]
    public void NegativeValuesZeroAndCdf_ByHand()
    {
        var sketch = SketchOf([-100, -1, 0, 0, 1, 10, 100]);
        Assert.Equal(7, sketch.Count);
        Assert.Equal(2, sketch.ZeroCount);
        var weighted = sketch.WeightedValues().ToArray();
        Assert.Equal(6, weighted.Length);
        Assert.Equal((0.0, 2L), weighted[2]);
        Assert.True(weighted.Zip(weighted.Skip(1)).All(p => p.First.Value < p.Second.Value));
        Assert.True(Math.Abs(weighted[0].Value + 100) <= 1.0);
        Assert.True(Math.Abs(sketch.Quantile(0.5)) == 0.0);
        Assert.Equal(4.0 / 7, sketch.Cdf(0.0));
        Assert.Equal(1.0, sketch.Cdf(1000));
        Assert.Equal(0.0, sketch.Cdf(-1000));
        Assert.True(double.IsNaN(new QuantileSketch().Quantile(0.5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(double.PositiveInfinity));
    }

    [Fact]
    public void Merge_IsExactlyAssociativeAndCommutative_EvenWhenBucketsCollapse()
    {
        // 16 buckets per sign span a ratio of only 1.38, so wide data collapses on nearly every merge.
        Gen.Select(Values, Values, Values).Sample((a, b, c) =>
        {
            var left = Merge(Merge(SketchOf(a, 16), SketchOf(b, 16)), SketchOf(c, 16));
            var right = Merge(SketchOf(a, 16), Merge(SketchOf(b, 16), SketchOf(c, 16)));
            var swapped = Merge(Merge(SketchOf(c, 16), SketchOf(a, 16)), SketchOf(b, 16));
            var whole = SketchOf([.. c, .. b, .. a], 16);
            ProfileAssert.Equal(left, right);
            ProfileAssert.Equal(left, swapped);
            ProfileAssert.Equal(left, whole);
        });
    }

    [Fact]
    public void Collapsing_KeepsWindow_AtLargestMagnitudes()
    {
        var sketch = SketchOf([1e-20, 1e-10, 1, 2, 4], 8);
        Assert.Equal(5, sketch.Count);
        Assert.Equal(8, sketch.PositiveCounts.Length);
        Assert.Equal(4, sketch.PositiveCounts[0]); // 1e-20, 1e-10, 1 and 2 folded into the lowest kept bucket (4's index minus 7)
        Approx.Equal(4, sketch.Quantile(1.0), 0.01);
    }

    [Fact]
    public void SketchesWithDifferentParameters_DoNotMerge()
    {
        Assert.Throws<ArgumentException>(() => new QuantileSketch(0.01).MergeFrom(new QuantileSketch(0.02)));
        Assert.Throws<ArgumentException>(() => new QuantileSketch(0.01, 10).MergeFrom(new QuantileSketch(0.01, 11)));
    }

    internal static QuantileSketch SketchOf(IEnumerable<double> values, int maxBuckets = QuantileSketch.DefaultMaxBucketsPerStore)
    {
        var sketch = new QuantileSketch(QuantileSketch.DefaultRelativeAccuracy, maxBuckets);
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        return sketch;
    }

    private static QuantileSketch Merge(QuantileSketch a, QuantileSketch b)
    {
        var merged = a.Clone();
        merged.MergeFrom(b);
        return merged;
    }
}
