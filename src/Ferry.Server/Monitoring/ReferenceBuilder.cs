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
/// <param name="Predictions">The model's prediction for every row, in order (kept as the reference's output columns, so nothing scores the rows again).</param>
public sealed record BuiltReference(ReferenceProfile Profile, IsotonicCalibrator? Calibrator, string? PositiveLabel, IReadOnlyList<RowPrediction> Predictions);

/// <summary>
/// Builds a version's reference profile from its training rows: the model scores them (so the prediction has a
/// reference too), every feature and output is profiled, and with labels a binary classifier's score is calibrated
/// with isotonic regression for CBPE.
/// </summary>
public static class ReferenceBuilder
{
    /// <summary>Rows scored at a time (progress is reported after each chunk).</summary>
    public const int ScoreChunkRows = 1024;

    /// <summary>Profiles <paramref name="batch"/> scored by <paramref name="model"/>.</summary>
    /// <param name="model">The version.</param>
    /// <param name="batch">The reference rows.</param>
    /// <param name="labels">One true class per row, or null.</param>
    /// <param name="positiveLabel">The positive class, or null for the one the score is the probability of.</param>
    /// <param name="progress">Told the phase (<c>scoring</c>, <c>profiling</c>) and the rows it has done.</param>
    /// <exception cref="ValidationException">Labels do not match the rows, or are not those of a binary classifier.</exception>
    public static BuiltReference Build(ILoadedModel model, FeatureBatch batch, IReadOnlyList<string?>? labels, string? positiveLabel, Action<string, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        if (labels is not null && labels.Count != batch.RowCount)
        {
            throw new ValidationException("labels", $"has {labels.Count} values for {batch.RowCount} records");
        }

        var rows = Score(model, batch, progress);
        progress?.Invoke(ReferencePhases.Profiling, 0);
        var columns = new List<ReferenceColumnData>();
        foreach (var feature in model.Features)
        {
            columns.Add(Column(feature, batch.Columns[feature.Name]));
        }

        var scores = rows.Select(r => r.Score ?? double.NaN).ToArray();
        if (scores.Any(s => !double.IsNaN(s)))
        {
            columns.Add(new ReferenceColumnData(ProfileColumns.Score, ColumnKind.Numeric, scores, null));
        }

        if (rows.Any(r => r.Label is not null))
        {
            columns.Add(new ReferenceColumnData(ProfileColumns.Label, ColumnKind.Categorical, null, [.. rows.Select(r => r.Label)]));
        }

        var profile = ReferenceProfile.Build(columns);
        progress?.Invoke(ReferencePhases.Profiling, batch.RowCount);
        if (labels is null || scores.All(double.IsNaN) || rows.All(r => r.Probabilities is null))
        {
            return new BuiltReference(profile, null, labels is null ? null : positiveLabel, rows);
        }

        var positive = positiveLabel ?? PositiveOf(rows);
        var kept = Enumerable.Range(0, batch.RowCount).Where(i => labels[i] is not null && !double.IsNaN(scores[i])).ToArray();
        var actual = kept.Select(i => string.Equals(labels[i], positive, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (actual.All(a => a) || actual.All(a => !a))
        {
            throw new ValidationException("labels", $"hold only one class (positive class '{positive}'); calibration needs both");
        }

        var calibrator = IsotonicCalibrator.Fit(kept.Select(i => scores[i]).ToArray(), actual);
        return new BuiltReference(profile, calibrator, positive, rows);
    }

    /// <summary>Scores the rows a chunk at a time.</summary>
    private static List<RowPrediction> Score(ILoadedModel model, FeatureBatch batch, Action<string, long>? progress)
    {
        progress?.Invoke(ReferencePhases.Scoring, 0);
        if (batch.RowCount <= ScoreChunkRows)
        {
            var all = model.Predict(batch).Rows.ToList();
            progress?.Invoke(ReferencePhases.Scoring, batch.RowCount);
            return all;
        }

        var rows = new List<RowPrediction>(batch.RowCount);
        for (var start = 0; start < batch.RowCount; start += ScoreChunkRows)
        {
            rows.AddRange(model.Predict(Slice(batch, start, Math.Min(ScoreChunkRows, batch.RowCount - start))).Rows);
            progress?.Invoke(ReferencePhases.Scoring, rows.Count);
        }

        return rows;
    }

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of a batch.</summary>
    public static FeatureBatch Slice(FeatureBatch batch, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var columns = new Dictionary<string, Array>(batch.Columns.Count, StringComparer.Ordinal);
        foreach (var (name, column) in batch.Columns)
        {
            var part = Array.CreateInstance(column.GetType().GetElementType()!, count);
            Array.Copy(column, start, part, 0, count);
            columns[name] = part;
        }

        return new FeatureBatch(count, columns);
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
