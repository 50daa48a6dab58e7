namespace Ferry.Statistics.Metrics;

/// <summary>Regression metrics, matching scikit-learn 1.2.</summary>
/// <param name="Count">Number of examples.</param>
/// <param name="MeanAbsoluteError">mean_absolute_error.</param>
/// <param name="RootMeanSquaredError">√mean_squared_error.</param>
/// <param name="RSquared">r2_score (force_finite): 1 − SS_res / SS_tot; 1 when both are 0, 0 when only SS_tot is;
/// NaN with fewer than two examples.</param>
public sealed record RegressionMetrics(long Count, double MeanAbsoluteError, double RootMeanSquaredError, double RSquared)
{
    /// <summary>Computes the metrics (all NaN for empty input).</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static RegressionMetrics Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length)
        {
            throw new ArgumentException("Actual and predicted values must have the same length.", nameof(predicted));
        }

        var n = actual.Length;
        if (n == 0)
        {
            return new RegressionMetrics(0, double.NaN, double.NaN, double.NaN);
        }

        double absolute = 0, squared = 0, mean = 0;
        for (var i = 0; i < n; i++)
        {
            var error = actual[i] - predicted[i];
            absolute += Math.Abs(error);
            squared += error * error;
            mean += actual[i];
        }

        mean /= n;
        var total = 0.0;
        foreach (var value in actual)
        {
            total += (value - mean) * (value - mean);
        }

        double rSquared;
        if (n < 2)
        {
            rSquared = double.NaN;
        }
        else if (squared == 0)
        {
            rSquared = 1.0;
        }
        else
        {
            rSquared = total == 0 ? 0.0 : 1 - (squared / total);
        }

        return new RegressionMetrics(n, absolute / n, Math.Sqrt(squared / n), rSquared);
    }
}
