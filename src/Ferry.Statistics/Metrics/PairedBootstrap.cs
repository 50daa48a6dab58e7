using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Metrics;

/// <summary>A metric of two models on the same rows, compared by a seeded paired bootstrap.</summary>
/// <param name="Candidate">The candidate's metric on all rows.</param>
/// <param name="Champion">The champion's metric on all rows.</param>
/// <param name="CandidateLow">2.5 % percentile of the candidate's resampled metric.</param>
/// <param name="CandidateHigh">97.5 % percentile of the candidate's resampled metric.</param>
/// <param name="Difference">Candidate − champion, signed so that positive is better.</param>
/// <param name="PValue">One-sided p-value of H0 "the candidate is not worse by more than the margin":
/// (1 + resamples whose difference is ≥ −margin) / (1 + resamples).</param>
/// <param name="Resamples">Resamples drawn.</param>
/// <param name="Seed">The generator's seed.</param>
public sealed record BootstrapComparison(
    double Candidate, double Champion, double CandidateLow, double CandidateHigh, double Difference, double PValue, int Resamples, ulong Seed);

/// <summary>
/// Paired bootstrap of metrics that are a function of a mean of per-row terms (log loss, Brier, accuracy, MAE: the
/// mean itself; RMSE: its square root). Each resample draws n row indexes with replacement from a SplitMix64 generator
/// seeded with <see cref="DefaultSeed"/> (so the same rows give the same answer on every machine), and both models are
/// measured on the same resampled rows.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>Resamples drawn unless told otherwise.</summary>
    public const int DefaultResamples = 2000;

    /// <summary>The generator's seed unless told otherwise.</summary>
    public const ulong DefaultSeed = 18;

    /// <summary>Compares the candidate's per-row terms with the champion's on the same rows.</summary>
    /// <param name="candidate">The candidate's per-row terms.</param>
    /// <param name="champion">The champion's per-row terms, same rows, same order.</param>
    /// <param name="transform">Metric = transform(mean of terms): identity, or <see cref="Math.Sqrt"/> for RMSE.</param>
    /// <param name="higherIsBetter">True for accuracy and AUC-like metrics, false for losses and errors.</param>
    /// <param name="margin">How much worse the candidate may be before the test can reject.</param>
    /// <param name="resamples">Resamples to draw.</param>
    /// <param name="seed">The generator's seed.</param>
    /// <exception cref="ArgumentException">The term lists differ in length or are empty.</exception>
    public static BootstrapComparison Compare(
        ReadOnlySpan<double> candidate,
        ReadOnlySpan<double> champion,
        Func<double, double> transform,
        bool higherIsBetter,
        double margin,
        int resamples = DefaultResamples,
        ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(transform);
        if (candidate.Length != champion.Length || candidate.Length == 0)
        {
            throw new ArgumentException("Both models need a term for each of the same, non-empty rows.", nameof(champion));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var n = candidate.Length;
        var fullCandidate = transform(Mean(candidate));
        var fullChampion = transform(Mean(champion));
        var sign = higherIsBetter ? 1.0 : -1.0;
        var random = new SplitMix64(seed);
        var values = new double[resamples];
        var notWorse = 0;
        for (var b = 0; b < resamples; b++)
        {
            double sumCandidate = 0, sumChampion = 0;
            for (var k = 0; k < n; k++)
            {
                var i = Draw(random, n);
                sumCandidate += candidate[i];
                sumChampion += champion[i];
            }

            var c = transform(sumCandidate / n);
            values[b] = c;
            if (sign * (c - transform(sumChampion / n)) >= -margin)
            {
                notWorse++;
            }
        }

        Array.Sort(values);
        return new BootstrapComparison(
            fullCandidate,
            fullChampion,
            Percentile(values, 0.025),
            Percentile(values, 0.975),
            sign * (fullCandidate - fullChampion),
            (1.0 + notWorse) / (1.0 + resamples),
            resamples,
            seed);
    }

    /// <summary>The 95 % percentile interval of one model's metric.</summary>
    /// <exception cref="ArgumentException">No terms.</exception>
    public static (double Low, double High) Interval(ReadOnlySpan<double> terms, Func<double, double> transform, int resamples = DefaultResamples, ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(transform);
        if (terms.Length == 0)
        {
            throw new ArgumentException("No terms.", nameof(terms));
        }

        var n = terms.Length;
        var random = new SplitMix64(seed);
        var values = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var k = 0; k < n; k++)
            {
                sum += terms[Draw(random, n)];
            }

            values[b] = transform(sum / n);
        }

        Array.Sort(values);
        return (Percentile(values, 0.025), Percentile(values, 0.975));
    }

    /// <summary>A uniform index in [0, n) (53 random bits scaled: bias below 2^-40 for any realistic n).</summary>
    private static int Draw(SplitMix64 random, int n) => (int)(random.NextDouble() * n);

    private static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    /// <summary>numpy's default (linear) percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
