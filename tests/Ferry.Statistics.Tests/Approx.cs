using Xunit;

namespace Ferry.Statistics.Tests;

/// <summary>Relative-tolerance assertions.</summary>
internal static class Approx
{
    /// <summary>Exact methods are checked against scipy / scikit-learn to this relative tolerance.</summary>
    public const double Exact = 1e-9;

    public static void Equal(double expected, double actual, double relative = Exact)
    {
        if (expected.Equals(actual))
        {
            return;
        }

        var scale = Math.Abs(expected);
        Assert.True(
            Math.Abs(actual - expected) <= relative * scale,
            $"expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / scale:E2}, allowed {relative:E0})");
    }

    public static void Equal(double[] expected, IReadOnlyList<double> actual, double relative = Exact)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Equal(expected[i], actual[i], relative);
        }
    }
}
