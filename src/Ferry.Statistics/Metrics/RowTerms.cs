namespace Ferry.Statistics.Metrics;

/// <summary>
/// Per-row terms whose mean is a metric (scikit-learn 1.2's definitions), for the paired bootstrap: log loss
/// (scores clipped to [ε, 1 − ε], ε = 2.22e-16), Brier score, accuracy at a threshold, absolute and squared error.
/// </summary>
public static class RowTerms
{
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>−log p(actual class) of a binary score.</summary>
    public static double[] LogLoss(ReadOnlySpan<bool> actual, ReadOnlySpan<double> score)
    {
        var terms = new double[actual.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            var clipped = Math.Clamp(score[i], Epsilon, 1 - Epsilon);
            terms[i] = -Math.Log(actual[i] ? clipped : 1 - clipped);
        }

        return terms;
    }

    /// <summary>(score − outcome)².</summary>
    public static double[] Brier(ReadOnlySpan<bool> actual, ReadOnlySpan<double> score)
    {
        var terms = new double[actual.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            var error = score[i] - (actual[i] ? 1.0 : 0.0);
            terms[i] = error * error;
        }

        return terms;
    }

    /// <summary>1 when (score ≥ threshold) equals the actual class, else 0.</summary>
    public static double[] Accuracy(ReadOnlySpan<bool> actual, ReadOnlySpan<double> score, double threshold = 0.5)
    {
        var terms = new double[actual.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            terms[i] = (score[i] >= threshold) == actual[i] ? 1 : 0;
        }

        return terms;
    }

    /// <summary>|actual − predicted|.</summary>
    public static double[] AbsoluteError(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        var terms = new double[actual.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            terms[i] = Math.Abs(actual[i] - predicted[i]);
        }

        return terms;
    }

    /// <summary>(actual − predicted)².</summary>
    public static double[] SquaredError(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        var terms = new double[actual.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            var error = actual[i] - predicted[i];
            terms[i] = error * error;
        }

        return terms;
    }
}
