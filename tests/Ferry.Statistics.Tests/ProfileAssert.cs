using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests;

/// <summary>
/// Structural equality of profiles: every count, extreme, bin, bucket and category must be identical; the floating
/// sums may differ by <c>sumTolerance</c> times the sum of absolute terms (rounding in a different order).
/// </summary>
internal static class ProfileAssert
{
    public static void Equal(QuantileSketch expected, QuantileSketch actual)
    {
        Assert.Equal(expected.RelativeAccuracy, actual.RelativeAccuracy);
        Assert.Equal(expected.MaxBucketsPerStore, actual.MaxBucketsPerStore);
        Assert.Equal(expected.ZeroCount, actual.ZeroCount);
        Assert.Equal(expected.PositiveFirstIndex, actual.PositiveFirstIndex);
        Assert.Equal(expected.PositiveCounts, actual.PositiveCounts);
        Assert.Equal(expected.NegativeFirstIndex, actual.NegativeFirstIndex);
        Assert.Equal(expected.NegativeCounts, actual.NegativeCounts);
    }

    public static void Equal(ColumnProfile expected, ColumnProfile actual, double absoluteSumScale = 0, double squareSumScale = 0)
    {
        Assert.True(expected.HasSameLayout(actual), "layouts differ");
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Missing, actual.Missing);
        Assert.Equal(expected.Invalid, actual.Invalid);
        Assert.Equal(expected.Min, actual.Min);
        Assert.Equal(expected.Max, actual.Max);
        Assert.True(Math.Abs(expected.Sum - actual.Sum) <= 1e-12 * absoluteSumScale, $"Sum {expected.Sum:R} vs {actual.Sum:R}");
        Assert.True(
            Math.Abs(expected.SumOfSquares - actual.SumOfSquares) <= 1e-12 * squareSumScale,
            $"SumOfSquares {expected.SumOfSquares:R} vs {actual.SumOfSquares:R}");
        Assert.Equal(expected.BelowReferenceRange, actual.BelowReferenceRange);
        Assert.Equal(expected.AboveReferenceRange, actual.AboveReferenceRange);
        Assert.Equal(expected.BinCounts, actual.BinCounts);
        Equal(expected.Sketch, actual.Sketch);
        Assert.Equal(
            expected.CategoryCounts.OrderBy(p => p.Key, StringComparer.Ordinal),
            actual.CategoryCounts.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.UntrackedUnseenCount, actual.UntrackedUnseenCount);
        Assert.Equal(expected.UnseenCategories, actual.UnseenCategories);
    }
}
