namespace Ferry.Statistics.Metrics;

/// <summary>
/// ROC AUC through the Mann–Whitney statistic with average ranks for tied scores, which equals scikit-learn's
/// <c>roc_auc_score</c> (trapezoidal area under the ROC curve whose thresholds are the distinct scores).
/// </summary>
internal sealed class RankAuc
{
    private readonly double[] _ranks;

    /// <summary>Precomputes average ranks (1-based) of the scores.</summary>
    public RankAuc(ReadOnlySpan<double> scores) => _ranks = DeLong.MidRanks(scores.ToArray());

    /// <summary>AUC for these labels; NaN when only one class is present.</summary>
    public double Compute(ReadOnlySpan<bool> labels)
    {
        double positives = 0, rankSum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i])
            {
                positives++;
                rankSum += _ranks[i];
            }
        }

        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (rankSum - (positives * (positives + 1) / 2.0)) / (positives * negatives);
    }
}
