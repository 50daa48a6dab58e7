using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Monitoring;

/// <summary>
/// Keeps a version's full reference columns (every feature, and the model's score and label on the reference rows) so
/// monitors can compute drift exactly from raw values; a reference above <see cref="MonitoringOptions.ExactRowLimit"/>
/// rows keeps none (its monitors use profiles), and replacing a reference replaces its columns.
/// </summary>
public sealed partial class ReferenceColumns(IReferenceColumnStore store, IOptions<MonitoringOptions> options, ILogger<ReferenceColumns> logger)
{
    /// <summary>
    /// Stores the columns of <paramref name="batch"/> and of its <paramref name="predictions"/> by <paramref name="model"/>
    /// (the reference build's, so the rows are not scored again) as the version's reference columns; false when it is
    /// over the limit (and none are kept).
    /// </summary>
    public async Task<bool> SaveAsync(string modelName, int version, ILoadedModel model, FeatureBatch batch, IReadOnlyList<RowPrediction> predictions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(predictions);
        var limit = options.Value.ExactRowLimit;
        if (batch.RowCount > limit)
        {
            await store.DeleteAsync(modelName, version, cancellationToken);
            LogNotKept(logger, modelName, version, batch.RowCount, limit);
            return false;
        }

        await store.SaveAsync(modelName, version, Columns(model, batch, predictions), cancellationToken);
        return true;
    }

    /// <summary>The raw columns of a reference: features as served (booleans as <c>true</c>/<c>false</c>), then the outputs.</summary>
    public static IReadOnlyList<ReferenceColumnValues> Columns(ILoadedModel model, FeatureBatch batch, IReadOnlyList<RowPrediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(predictions);
        var columns = new List<ReferenceColumnValues>();
        foreach (var feature in model.Features)
        {
            ReferenceColumnValues? column = batch.Columns[feature.Name] switch
            {
                double[] numbers => new(feature.Name, numbers, null),
                long[] whole => new(feature.Name, [.. whole.Select(v => (double)v)], null),
                string[] text => new(feature.Name, null, text),
                bool[] flags => new(feature.Name, null, [.. flags.Select(ProfileFolding.Text)]),
                _ => null,
            };
            if (column is not null)
            {
                columns.Add(column);
            }
        }

        var scores = predictions.Select(r => r.Score ?? double.NaN).ToArray();
        if (scores.Any(s => !double.IsNaN(s)))
        {
            columns.Add(new ReferenceColumnValues(ProfileColumns.Score, scores, null));
        }

        if (predictions.Any(r => r.Label is not null))
        {
            columns.Add(new ReferenceColumnValues(ProfileColumns.Label, null, [.. predictions.Select(r => r.Label)]));
        }

        return columns;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The reference of {Model} version {Version} has {Rows} rows, above Ferry:Monitoring:ExactRowLimit ({Limit}): its full columns are not kept, and its monitors compute drift from profiles")]
    private static partial void LogNotKept(ILogger logger, string model, int version, int rows, int limit);
}
