using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class PopulationStabilityTests
{
    [Fact]
    public void Psi_MatchesEvidently()
    {
        // r = counts / sum; np.place(r, r == 0, 0.0001) on both sides; np.sum((r - c) * np.log(r / c))
        Approx.Equal(0.04722308044204257, PopulationStability.Index([10L, 20, 30, 40], [15L, 25, 25, 35]));
        Approx.Equal(5.825891941370463, PopulationStability.Index([10L, 0, 30, 40], [15L, 25, 0, 35]));
    }

    [Fact]
    public void Psi_ByHand()
    {
        // Identical distributions: 0. Two bins, 50/50 against 25/75: (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5).
        Assert.Equal(0.0, PopulationStability.Index([5L, 5], [50L, 50]));
        var expected = ((0.25 - 0.5) * Math.Log(0.5)) + (0.25 * Math.Log(1.5));
        Approx.Equal(expected, PopulationStability.Index([50L, 50], [25L, 75]), 1e-15);
        Approx.Equal(
            expected,
            PopulationStability.Index(new Dictionary<string, long> { ["x"] = 1, ["y"] = 1 }, new Dictionary<string, long> { ["x"] = 1, ["y"] = 3 }),
            1e-15);
    }
}
