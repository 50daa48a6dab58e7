using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class JensenShannonTests
{
    [Fact]
    public void Distance_MatchesScipyJensenshannon()
    {
        // distance.jensenshannon(p, q)
        Approx.Equal(0.07668497816148621, JensenShannon.Distance([10L, 20, 30, 40], [15L, 25, 25, 35]));
        Approx.Equal(0.5001431891900667, JensenShannon.Distance([10L, 0, 30, 40], [15L, 25, 0, 35]));
        Approx.Equal(0.8325546111576977, JensenShannon.Distance([1.0, 0.0], [0.0, 1.0]));
    }

    [Fact]
    public void Distance_ByHand()
    {
        Assert.Equal(0.0, JensenShannon.Distance([1L, 2, 3], [2L, 4, 6]));
        // Disjoint supports: √ln 2.
        Approx.Equal(Math.Sqrt(Math.Log(2)), JensenShannon.Distance(
            new Dictionary<string, long> { ["a"] = 3 },
            new Dictionary<string, long> { ["b"] = 5 }), 1e-15);
    }
}
