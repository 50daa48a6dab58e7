using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class WassersteinTests
{
    [Fact]
    public void RawSamples_MatchScipy()
    {
        var u = TestData.Grid(50, 7, 101, 3.0);
        var v = TestData.Grid(70, 13, 103, 2.5, 0.4);
        // stats.wasserstein_distance(u, v)
        Approx.Equal(0.23051831202537737, Wasserstein.Distance(u, v));
        // stats.wasserstein_distance(u, v) / max(np.std(u), 0.001)
        Approx.Equal(0.26371721443951057, Wasserstein.NormalizedDistance(u, v));
        // np.std(u)
        Approx.Equal(0.874111735615393, Wasserstein.PopulationStandardDeviation(u));
    }

    [Fact]
    public void WeightedSamples_MatchScipy()
    {
        // stats.wasserstein_distance([0,1,3],[5,6,8],[0.4,1.5,0.1],[2,1,3])
        Approx.Equal(5.766666666666667, Wasserstein.Distance([3.0, 0.0, 1.0], [0.1, 0.4, 1.5], [5.0, 6.0, 8.0], [2.0, 1.0, 3.0]));
        // stats.wasserstein_distance([0.5,1.5,2.5,3.5],[1,1.5,3,4],[3,5,2,4],[4,1,6,2])
        Approx.Equal(0.6483516483516483, Wasserstein.Distance(
            [(0.5, 3L), (1.5, 5L), (2.5, 2L), (3.5, 4L)],
            [(1.0, 4L), (1.5, 1L), (3.0, 6L), (4.0, 2L)]));
    }

    [Fact]
    public void Distance_ByHand()
    {
        // Moving all mass from 0 to 1 costs 1; a shift by c of the same sample costs |c|.
        Assert.Equal(1.0, Wasserstein.Distance([0.0], [1.0]));
        Approx.Equal(2.5, Wasserstein.Distance([1.0, 2.0, 7.0], [3.5, 4.5, 9.5]), 1e-15);
        // A constant reference has std 0, floored at 0.001.
        Approx.Equal(1000.0, Wasserstein.NormalizedDistance([5.0, 5.0], [6.0, 6.0]), 1e-15);
    }
}
