using System.Globalization;
using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;

namespace Ferry.Storage.Tracking;

/// <summary>
/// The plan for a run search whose only sort key is a metric: the sort value comes from one join on
/// <c>latest_metrics</c> instead of the two correlated subqueries per run that "missing last" costs otherwise. When the
/// filter also compares that metric, the join is an inner join that carries the comparison, so the database can drive
/// the query from the <c>latest_metrics(key, value)</c> index and visit only the runs that pass it; otherwise a left
/// join keeps runs lacking the metric, sorted last. Results and their order are the same as
/// <see cref="RunSearchTranslator.Order"/>'s: value, then start time descending, then run id. On the inner-join plan
/// a page token may carry the last row's (value, start time, run id), and the next page seeks past it.
/// </summary>
internal sealed class MetricDrivenSearch(FerryDbContext db, RunSearchTranslator translator)
{
    /// <summary>True when <paramref name="orders"/> is a single metric sort key, the case this plan serves.</summary>
    public static bool Applies(IReadOnlyList<SearchOrder> orders) =>
        orders.Count == 1 && orders[0].Identifier.Type == SearchEntityType.Metric;

    /// <summary>True when the last <see cref="Search"/> planned the inner join, whose pages can seek.</summary>
    public bool Seekable { get; private set; }

    /// <summary>
    /// Filters and orders <paramref name="runs"/> (already scoped to experiments and lifecycle stage); when the plan is
    /// <see cref="Seekable"/> and <paramref name="after"/> is a (value, start time, run id) cursor, starts after that row
    /// and reports it (the caller then skips nothing).
    /// </summary>
    public (IQueryable<Run> Runs, bool Seeked) Search(IQueryable<Run> runs, IReadOnlyList<SearchComparison> filter, SearchOrder order, IReadOnlyList<string>? after)
    {
        var key = order.Identifier.Key;
        var own = filter.Where(c => c.Identifier.Type == SearchEntityType.Metric && c.Identifier.Key == key).ToList();
        runs = filter.Except(own).Aggregate(runs, translator.Filter);
        var metrics = db.LatestMetrics.Where(m => m.Key == key && !m.IsNaN);
        if (own.Count > 0)
        {
            metrics = own.Aggregate(metrics, (query, c) =>
                query.Where(ExpressionComposer.Numeric<LatestMetric, double>(m => m.Value, c.Operator, c.Number!.Value)));
            var matched = runs.Join(metrics, r => r.Id, m => m.RunId, (r, m) => new SortedRun { Run = r, Value = m.Value });
            Seekable = true;
            var cursor = Cursor(after);
            if (cursor is var (value, start, id))
            {
                matched = order.Descending
                    ? matched.Where(x => x.Value <= value && (x.Value < value || x.Run.StartTime < start || (x.Run.StartTime == start && string.Compare(x.Run.Id, id) > 0)))
                    : matched.Where(x => x.Value >= value && (x.Value > value || x.Run.StartTime < start || (x.Run.StartTime == start && string.Compare(x.Run.Id, id) > 0)));
            }

            var byValue = order.Descending ? matched.OrderByDescending(x => x.Value) : matched.OrderBy(x => x.Value);
            return (byValue.ThenByDescending(x => x.Run.StartTime).ThenBy(x => x.Run.Id).Select(x => x.Run), cursor is not null);
        }

        Seekable = false;
        var all = runs.LeftJoin(metrics, r => r.Id, m => m.RunId, (r, m) => new NullableSortedRun { Run = r, Value = m == null ? null : m.Value });
        var missingLast = all.OrderBy(x => x.Value == null);
        var ordered = order.Descending ? missingLast.ThenByDescending(x => x.Value) : missingLast.ThenBy(x => x.Value);
        return (ordered.ThenByDescending(x => x.Run.StartTime).ThenBy(x => x.Run.Id).Select(x => x.Run), false);
    }

    /// <summary>The cursor a page token carries for the row <paramref name="run"/> (its sort metric, start time, id).</summary>
    public static IReadOnlyList<string> CursorOf(Run run, string key)
    {
        ArgumentNullException.ThrowIfNull(run);
        var value = run.LatestMetrics.First(m => m.Key == key).Value;
        return [value.ToString("R", CultureInfo.InvariantCulture), run.StartTime.ToString(CultureInfo.InvariantCulture), run.Id];
    }

    private static (double Value, long Start, string Id)? Cursor(IReadOnlyList<string>? after) =>
        after is [var value, var start, var id]
        && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
        && long.TryParse(start, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? (v, s, id)
            : null;

    private sealed class SortedRun
    {
        public required Run Run { get; init; }

        public double Value { get; init; }
    }

    private sealed class NullableSortedRun
    {
        public required Run Run { get; init; }

        public double? Value { get; init; }
    }
}
