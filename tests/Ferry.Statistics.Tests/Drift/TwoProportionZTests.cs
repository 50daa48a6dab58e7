using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class TwoProportionZTests
{
    // Evidently's proportions_diff_z_stat_ind evaluated in numpy, and 2 * stats.norm.sf(abs(z)) (reference_values.py).
    [Theory]
    [InlineData(30, 100, 45, 120, -1.1685534824642432, 0.24258357934832098)]
    [InlineData(500, 1000, 520, 1000, -0.894606130121643, 0.37099767373660797)]
    [InlineData(10, 1000, 200, 1000, -13.859017269277249, 1.1219984658744885e-43)]
    public void ZTest_MatchesEvidentlyFormula_WithAccurateTail(long s1, long n1, long s2, long n2, double z, double p)
    {
        var result = TwoProportionZ.Test(s1, n1, s2, n2);
        Approx.Equal(z, result.Statistic);
        Approx.Equal(p, result.PValue);
    }

    [Fact]
    public void CategoryTables_UseFirstCategory_AsSuccess()
    {
        // "no" sorts before "yes", so the statistic has the opposite sign of the (30,100,45,120) case above.
        var result = TwoProportionZ.Test(
            new Dictionary<string, long> { ["yes"] = 30, ["no"] = 70 },
            new Dictionary<string, long> { ["yes"] = 45, ["no"] = 75 });
        Approx.Equal(1.1685534824642432, result.Statistic);
        Approx.Equal(0.24258357934832098, result.PValue);
    }

    [Fact]
    public void SingleIdenticalValueOnBothSides_GivesPOne()
    {
        Assert.Equal(new ZTestResult(0, 1), TwoProportionZ.Test(10, 10, 20, 20));
        Assert.Equal(1.0, TwoProportionZ.Test(new Dictionary<string, long> { ["a"] = 4 }, new Dictionary<string, long> { ["a"] = 7 }).PValue);
        Assert.Throws<ArgumentException>(() => TwoProportionZ.Test(
            new Dictionary<string, long> { ["a"] = 4, ["b"] = 1 },
            new Dictionary<string, long> { ["c"] = 7 }));
    }
}
