using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class ChiSquareTests
{
    [Fact]
    public void CategoryCounts_MatchScipyChisquare_WithReferenceProportions()
    {
        // stats.chisquare([40,45,15], f_exp=np.array([50,30,20]) / 100 * 100)
        var result = ChiSquare.Test(
            new Dictionary<string, long> { ["a"] = 50, ["b"] = 30, ["c"] = 20 },
            new Dictionary<string, long> { ["c"] = 15, ["a"] = 40, ["b"] = 45 });
        Approx.Equal(10.75, result.Statistic);
        Approx.Equal(0.004630918733533247, result.PValue);
        Assert.Equal(2, result.DegreesOfFreedom);
    }

    [Fact]
    public void UnseenCurrentCategory_GetsHalfAReferenceObservation()
    {
        // ref = np.array([50, 30, 0.5]); stats.chisquare([40,45,15], f_exp=ref / ref.sum() * 100)
        var result = ChiSquare.Test(
            new Dictionary<string, long> { ["a"] = 50, ["b"] = 30 },
            new Dictionary<string, long> { ["a"] = 40, ["b"] = 45, ["c"] = 15 });
        Approx.Equal(342.34749999999997, result.Statistic);
        Approx.Equal(4.572828652340106e-75, result.PValue);
    }

    [Fact]
    public void GoodnessOfFit_MatchesScipy()
    {
        // stats.chisquare([120,80,95,105], f_exp=np.array([1000]*4) / 4000 * 400)
        var result = ChiSquare.GoodnessOfFit([120, 80, 95, 105], [100, 100, 100, 100]);
        Approx.Equal(8.5, result.Statistic);
        Approx.Equal(0.036733114668589355, result.PValue);
        Assert.Equal(3, result.DegreesOfFreedom);
    }

    [Fact]
    public void Statistic_ByHand_AndChecks()
    {
        // (30-25)^2/25 + (20-25)^2/25 = 2; df 1: p = erfc(1) = 0.15729920705028513 (math.erfc(1)).
        var result = ChiSquare.GoodnessOfFit([30, 20], [25, 25]);
        Assert.Equal(2.0, result.Statistic);
        Approx.Equal(0.15729920705028513, result.PValue);
        Assert.Throws<ArgumentException>(() => ChiSquare.GoodnessOfFit([30, 20], [30, 30]));
        var single = ChiSquare.Test(new Dictionary<string, long> { ["a"] = 5 }, new Dictionary<string, long> { ["a"] = 9 });
        Assert.Equal(1.0, single.PValue);
    }
}
