using Ferry.Statistics.Metrics;
using Xunit;

namespace Ferry.Statistics.Tests.Metrics;

public sealed class RegressionMetricsTests
{
    [Fact]
    public void Metrics_MatchScikitLearn()
    {
        var actual = TestData.Grid(30, 7, 31, 10.0, 1.0);
        var predicted = TestData.Grid(30, 11, 29, 9.0, 1.5);
        var metrics = RegressionMetrics.Compute(actual, predicted);
        Approx.Equal(3.0849833147942154, metrics.MeanAbsoluteError); // metrics.mean_absolute_error(a, p)
        Approx.Equal(3.768163914865429, metrics.RootMeanSquaredError); // np.sqrt(metrics.mean_squared_error(a, p))
        Approx.Equal(-0.7082956195398944, metrics.RSquared); // metrics.r2_score(a, p)
    }

    [Fact]
    public void DegenerateCases_FollowScikitLearn()
    {
        Assert.Equal(0.0, RegressionMetrics.Compute([2.0, 2, 2], [2.0, 2, 3]).RSquared); // metrics.r2_score([2,2,2],[2,2,3])
        Assert.Equal(1.0, RegressionMetrics.Compute([2.0, 2], [2.0, 2]).RSquared);
        Assert.True(double.IsNaN(RegressionMetrics.Compute([1.0], [2.0]).RSquared));
        var byHand = RegressionMetrics.Compute([1.0, 2, 3], [2.0, 2, 1]);
        Assert.Equal(1.0, byHand.MeanAbsoluteError);
        Approx.Equal(Math.Sqrt(5.0 / 3), byHand.RootMeanSquaredError, 1e-15);
        Assert.Equal(1 - (5.0 / 2), byHand.RSquared);
    }
}
