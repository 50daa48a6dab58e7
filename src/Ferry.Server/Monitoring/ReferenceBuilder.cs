using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Statistics.Calibration;
using Ferry.Statistics.Profiles;

namespace Ferry.Server.Monitoring;

/// <summary>What a reference upload produced.</summary>
/// <param name="Profile">The reference profile: features and the model's outputs on them.</param>
/// <param name="Calibrator">Isotonic calibration of the positive-class score on the labels, when labels were given (binary classifiers).</param>
/// <param name="PositiveLabel">The class the score is the probability of.</param>
public sealed record BuiltReference(ReferenceProfile Profile, IsotonicCalibrator? Calibrator, string? PositiveLabel);

/// <summary>
/// Builds a version's reference profile from its training rows: the model scores them (so the prediction has a
/// reference too), every feature and output is profiled, and with labels a binary classifier's score is calibrated
/// with isotonic regression for CBPE.
/// </summary>
public static class ReferenceBuilder
{
    /// <summary>Profiles <paramref name="batch"/> scored by <paramref name="model"/>.</summary>
    /// <exception cref="ValidationException">Labels do not match the rows, or are not those of a binary classifier.</exception>
    public static BuiltReference Build(ILoadedModel model, FeatureBatch batch, IReadOnlyList<string?>? labels, string? positiveLabel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        if (labels is not null && labels.Count != batch.RowCount)
        {
            throw new ValidationException("labels", $"has {labels.Count} values for {batch.RowCount} records");
        }

        var result = model.Predict(batch);
        var columns = new List<ReferenceColumnData>();
        foreach (var feature in model.Features)
        {
            columns.Add(Column(feature, batch.Columns[feature.Name]));
        }

        var scores = result.Rows.Select(r => r.Score ?? double.NaN).ToArray();
        if (scores.Any(s => !double.IsNaN(s)))
        {
            columns.Add(new ReferenceColumnData(ProfileColumns.Score, ColumnKind.Numeric, scores, null));
        }

        if (result.Rows.Any(r => r.Label is not null))
        {
            columns.Add(new ReferenceColumnData(ProfileColumns.Label, ColumnKind.Categorical, null, [.. result.Rows.Select(r => r.Label)]));
        }

        var profile = ReferenceProfile.Build(columns);
        if (labels is null || scores.All(double.IsNaN) || result.Rows.All(r => r.Probabilities is null))
        {
            return new BuiltReference(profile, null, labels is null ? null : positiveLabel);
        }

        var positive = positiveLabel ?? PositiveOf(result.Rows);
        var kept = Enumerable.Range(0, batch.RowCount).Where(i => labels[i] is not null && !double.IsNaN(scores[i])).ToArray();
        var actual = kept.Select(i => string.Equals(labels[i], positive, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (actual.All(a => a) || actual.All(a => !a))
        {
            throw new ValidationException("labels", $"hold only one class (positive class '{positive}'); calibration needs both");
        }

        var calibrator = IsotonicCalibrator.Fit(kept.Select(i => scores[i]).ToArray(), actual);
        return new BuiltReference(profile, calibrator, positive);
    }

    /// <summary>The class whose probability a binary classifier's score is.</summary>
    public static string PositiveOf(IReadOnlyList<RowPrediction> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            if (row is { Score: { } score, Probabilities: { } probabilities })
            {
                foreach (var (label, p) in probabilities)
                {
                    if (Math.Abs(p - score) < 1e-12)
                    {
                        return label;
                    }
                }
            }
        }

        throw new ValidationException("labels", "the model's score is not one of its class probabilities; labels apply to binary classifiers");
    }

    private static ReferenceColumnData Column(FeatureSpec feature, Array values) => values switch
    {
        double[] numbers => new ReferenceColumnData(feature.Name, ColumnKind.Numeric, numbers, null),
        long[] whole => new ReferenceColumnData(feature.Name, ColumnKind.Numeric, [.. whole.Select(v => (double)v)], null),
        string[] text => new ReferenceColumnData(feature.Name, ColumnKind.Categorical, null, text),
        bool[] flags => new ReferenceColumnData(feature.Name, ColumnKind.Categorical, null, [.. flags.Select(ProfileFolding.Text)]),
        _ => throw new InvalidOperationException($"Feature '{feature.Name}' has an unsupported column type {values.GetType().Name}."),
    };
}
