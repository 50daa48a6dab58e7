using Ferry.Statistics.Calibration;
using Xunit;

namespace Ferry.Statistics.Tests.Calibration;

public sealed class IsotonicCalibratorTests
{
    [Fact]
    public void Calibrator_MatchesScikitLearnIsotonicRegression()
    {
        // xs = [((i * 17) % 23) / 22 for i in range(60)]; ys = [((i * 7) % 10) < (3 + 5 * xs[i])]
        // IsotonicRegression(out_of_bounds='clip', y_min=0, y_max=1).fit(xs, ys)
        var scores = Enumerable.Range(0, 60).Select(i => i * 17 % 23 / 22.0).ToArray();
        var labels = Enumerable.Range(0, 60).Select(i => i * 7 % 10 < 3 + (5 * scores[i])).ToArray();
        var calibrator = IsotonicCalibrator.Fit(scores, labels);

        Approx.Equal( // ir.X_thresholds_
            [0.0, 0.13636363636363635, 0.18181818181818182, 0.36363636363636365, 0.4090909090909091, 0.7727272727272727, 0.8181818181818182, 1.0],
            calibrator.Thresholds);
        Approx.Equal([0.4, 0.4, 0.5, 0.5, 0.68, 0.68, 0.7692307692307693, 0.7692307692307693], calibrator.Values); // ir.y_thresholds_
        double[] queries = [-1.0, 0.0, 0.03, 0.2, 0.5, 0.51, 0.77, 1.0, 2.0];
        double[] expected = [0.4, 0.4, 0.4, 0.5, 0.68, 0.68, 0.68, 0.7692307692307693, 0.7692307692307693]; // ir.predict(queries)
        Approx.Equal(expected, [.. queries.Select(calibrator.Calibrate)]);
    }

    [Fact]
    public void PoolAdjacentViolators_ByHand()
    {
        // Labels 1, 0, 1, 1 at scores 1, 2, 3, 4: the first two pool to 0.5; between thresholds the fit is linear.
        var calibrator = IsotonicCalibrator.Fit([3.0, 1.0, 4.0, 2.0], [true, true, true, false]);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], calibrator.Thresholds);
        Assert.Equal([0.5, 0.5, 1.0, 1.0], calibrator.Values);
        Assert.Equal(0.75, calibrator.Calibrate(2.5));
        Assert.Equal(0.5, calibrator.Calibrate(-10));
        // Tied scores are averaged; a single distinct score gives a constant.
        var constant = IsotonicCalibrator.Fit([0.3, 0.3, 0.3], [true, false, false]);
        Assert.Equal(1.0 / 3, constant.Calibrate(0.9));
    }
}
