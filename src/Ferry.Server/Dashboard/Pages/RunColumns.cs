using Ferry.Core.Tracking;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>A chosen column of the runs table: a param, a metric's latest value or a tag, by key.</summary>
/// <param name="Kind"><c>params</c>, <c>metrics</c> or <c>tags</c>.</param>
/// <param name="Key">The key.</param>
public sealed record RunColumn(string Kind, string Key)
{
    /// <summary>Most columns one table shows.</summary>
    public const int MaxColumns = 30;

    /// <summary>Params.</summary>
    public const string Params = "params";

    /// <summary>Metrics (latest values).</summary>
    public const string Metrics = "metrics";

    /// <summary>Tags.</summary>
    public const string Tags = "tags";

    /// <summary>How the column is named in the query string: <c>metrics.auc</c>.</summary>
    public string Id => Kind + "." + Key;

    /// <summary>The column as an MLflow <c>order_by</c> identifier, the key quoted: <c>metrics.`auc`</c>.</summary>
    public string OrderField => Kind + ".`" + Key + "`";

    /// <summary>Whether the column holds numbers (right-aligned).</summary>
    public bool IsNumeric => Kind == Metrics;

    /// <summary>The run's value in this column as text; null when the run has none.</summary>
    public string? ValueOf(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Kind switch
        {
            Metrics => run.LatestMetrics.FirstOrDefault(m => m.Key == Key) is { } metric ? Number(metric.ActualValue) : null,
            Params => run.Params.FirstOrDefault(p => p.Key == Key)?.Value,
            _ => run.Tags.FirstOrDefault(t => t.Key == Key)?.Value,
        };
    }

    /// <summary>
    /// Columns from the query string's <c>columns</c> values, each a comma-separated list of <c>params.KEY</c>,
    /// <c>metrics.KEY</c> or <c>tags.KEY</c> (singular prefixes too); anything else is ignored, duplicates dropped.
    /// </summary>
    public static IReadOnlyList<RunColumn> Parse(IEnumerable<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var columns = new List<RunColumn>();
        foreach (var item in values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var dot = item.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == item.Length - 1)
            {
                continue;
            }

            var kind = item[..dot] switch
            {
                "params" or "param" => Params,
                "metrics" or "metric" => Metrics,
                "tags" or "tag" => Tags,
                _ => null,
            };
            var key = item[(dot + 1)..];
            if (kind is null || key.Contains('`', StringComparison.Ordinal))
            {
                continue;
            }

            var column = new RunColumn(kind, key);
            if (!columns.Contains(column) && columns.Count < MaxColumns)
            {
                columns.Add(column);
            }
        }

        return columns;
    }

    /// <summary>The columns the runs offer: their metrics, params and (user) tags, each sorted by key.</summary>
    public static IReadOnlyList<RunColumn> Offered(IReadOnlyList<Run> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return
        [
            .. runs.SelectMany(r => r.LatestMetrics.Select(m => m.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(k => new RunColumn(Metrics, k)),
            .. runs.SelectMany(r => r.Params.Select(p => p.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(k => new RunColumn(Params, k)),
            .. runs.SelectMany(r => r.Tags.Select(t => t.Key)).Where(k => !k.StartsWith("mlflow.", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(k => new RunColumn(Tags, k)),
        ];
    }

    /// <summary>A metric value for people: up to six decimals, invariant; NaN and infinities by name.</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? (value > 0 ? "∞" : "−∞") : Charts.StepChart.Number(value);
}
