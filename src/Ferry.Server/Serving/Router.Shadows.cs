using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>Shadow scoring (see <see cref="Router"/>'s remarks).</summary>
public sealed partial class Router
{
    private int _shadowsInFlight;

    private static ResolvedRoute[]? ShadowRoutes(ResolvedPolicy policy)
    {
        List<ResolvedRoute>? shadows = null;
        foreach (var route in policy.Routes)
        {
            if (route.Role == RouteRole.Shadow)
            {
                (shadows ??= []).Add(route);
            }
        }

        return shadows?.ToArray();
    }

    // Scores the shadows on the thread pool and completes `scored` (which the log writer waits for) whatever happens.
    private void StartShadows(string endpoint, ResolvedRoute[] shadows, FeatureBatch batch, PredictionRecord[] records, TaskCompletionSource scored)
    {
        if (Interlocked.Increment(ref _shadowsInFlight) > Math.Max(1, options.Value.MaxConcurrentShadows))
        {
            Interlocked.Decrement(ref _shadowsInFlight);
            metrics.ShadowSkipped(endpoint);
            Answer(shadows, records, (_, _) => RowJson.Error("skipped: too many shadow batches in flight"));
            scored.TrySetResult();
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            try
            {
                Shadows(endpoint, shadows, batch, records);
            }
            catch (Exception ex)
            {
                // Shadows() never throws by design; this keeps a bug from stalling the log writer.
                LogShadowFailed(logger, ex, endpoint, shadows[0].ModelName, shadows[0].Version);
            }
            finally
            {
                Interlocked.Decrement(ref _shadowsInFlight);
                scored.TrySetResult();
            }
        }, null);
    }

    private void Shadows(string endpoint, ResolvedRoute[] shadows, FeatureBatch batch, PredictionRecord[] records)
    {
        var answers = new string[shadows.Length][];
        for (var s = 0; s < shadows.Length; s++)
        {
            answers[s] = Shadow(endpoint, shadows[s], batch);
        }

        Answer(shadows, records, (s, i) => answers[s][i]);
    }

    // Writes each record's shadow answers as one JSON object keyed "model:version".
    private static void Answer(ResolvedRoute[] shadows, PredictionRecord[] records, Func<int, int, string> answer)
    {
        var keys = Array.ConvertAll(shadows, shadow => $"{shadow.ModelName}:{shadow.Version}");
        using var json = new RowJson();
        for (var i = 0; i < records.Length; i++)
        {
            var row = new Dictionary<string, string>(keys.Length, StringComparer.Ordinal);
            for (var s = 0; s < keys.Length; s++)
            {
                row[keys[s]] = answer(s, i);
            }

            records[i].ShadowOutputsJson = json.RawObject(row);
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
