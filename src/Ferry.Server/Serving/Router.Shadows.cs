using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>Shadow scoring (see <see cref="Router"/>'s remarks).</summary>
public sealed partial class Router
{
    private void Shadows(string endpoint, ResolvedPolicy policy, FeatureBatch batch, PredictionRecord[] records)
    {
        Dictionary<string, string>[]? answers = null;
        foreach (var shadow in policy.Routes)
        {
            if (shadow.Role != RouteRole.Shadow)
            {
                continue;
            }

            answers ??= new Dictionary<string, string>[records.Length];
            var key = $"{shadow.ModelName}:{shadow.Version}";
            var outputs = Shadow(endpoint, shadow, batch);
            for (var i = 0; i < records.Length; i++)
            {
                (answers[i] ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = outputs[i];
            }
        }

        if (answers is null)
        {
            return;
        }

        using var json = new RowJson();
        for (var i = 0; i < records.Length; i++)
        {
            records[i].ShadowOutputsJson = json.RawObject(answers[i]);
        }
    }

    // One JSON answer per row; never throws.
    private string[] Shadow(string endpoint, ResolvedRoute shadow, FeatureBatch batch)
    {
        try
        {
            using var lease = models.TryAcquireLoaded(shadow);
            if (lease is null)
            {
                metrics.ShadowSkipped(endpoint);
                return Fill(batch.RowCount, RowJson.Error("the shadow version is still loading"));
            }

            var copy = Copy(batch, lease.Model.Features);
            if (copy is null)
            {
                metrics.ShadowSkipped(endpoint);
                return Fill(batch.RowCount, RowJson.Error("the shadow version needs fields the primary's requests do not carry"));
            }

            var result = lease.Model.Predict(copy);
            using var json = new RowJson();
            var answers = new string[batch.RowCount];
            for (var i = 0; i < answers.Length; i++)
            {
                answers[i] = json.Outputs(result.Rows[i]);
            }

            return answers;
        }
        catch (Exception ex)
        {
            LogShadowFailed(logger, ex, endpoint, shadow.ModelName, shadow.Version);
            metrics.ShadowSkipped(endpoint);
            return Fill(batch.RowCount, RowJson.Error("the shadow version failed to score"));
        }
    }

    // The shadow's columns, copied (the primary's arrays are never shared), or null when it needs one the batch lacks.
    private static FeatureBatch? Copy(FeatureBatch batch, IReadOnlyList<FeatureSpec> features)
    {
        var columns = new Dictionary<string, Array>(features.Count, StringComparer.Ordinal);
        foreach (var feature in features)
        {
            if (!batch.Columns.TryGetValue(feature.Name, out var column) || !Fits(feature.Kind, column))
            {
                return null;
            }

            columns[feature.Name] = (Array)column.Clone();
        }

        return new FeatureBatch(batch.RowCount, columns);
    }

    private static bool Fits(FeatureKind kind, Array column) => kind switch
    {
        FeatureKind.Number => column is double[],
        FeatureKind.WholeNumber => column is long[],
        FeatureKind.Text => column is string[],
        _ => column is bool[],
    };

    private static string[] Fill(int count, string value)
    {
        var values = new string[count];
        Array.Fill(values, value);
        return values;
    }
}
