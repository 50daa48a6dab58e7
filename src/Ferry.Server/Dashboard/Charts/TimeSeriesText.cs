namespace Ferry.Server.Dashboard.Charts;

/// <summary>A time-series chart in words: the SVG description and the data table.</summary>
internal static class TimeSeriesText
{
    private const string Missing = "\u2014";

    /// <summary>What the chart shows: time span, each series' latest value and range, the threshold.</summary>
    public static string Description(TimeSeriesChart.Spec spec, IReadOnlyList<TimeSeriesChart.Series> series)
    {
        var times = series.SelectMany(s => s.Points).Select(p => p.At).ToList();
        var parts = new List<string> { $"{spec.YLabel} from {ChartFormat.Time(times.Min())} to {ChartFormat.Time(times.Max())} UTC." };
        foreach (var s in series)
        {
            var values = s.Points.Where(p => p.Value is not null).ToList();
            if (values.Count == 0)
            {
                parts.Add($"{s.Name}: no values.");
                continue;
            }

            var latest = values[^1];
            parts.Add($"{s.Name}: latest {V(latest.Value!.Value)} at {ChartFormat.Time(latest.At)}, lowest {V(values.Min(p => p.Value!.Value))}, highest {V(values.Max(p => p.Value!.Value))}.");
        }

        if (spec.Threshold is { } threshold)
        {
            parts.Add($"Threshold {threshold.Label} at {V(threshold.Value)}.");
        }

        return string.Join(' ', parts);

        string V(double value) => ChartFormat.Value(value, spec.YFormat);
    }

    /// <summary>One row per time, one column per series (and its band bounds).</summary>
    public static Html Table(TimeSeriesChart.Spec spec, IReadOnlyList<TimeSeriesChart.Series> series)
    {
        var headers = new List<string> { "Time (UTC)" };
        foreach (var s in series)
        {
            headers.Add(s.Name);
            if (TimeSeriesChart.HasBand(s))
            {
                headers.Add($"{s.Name} lower");
                headers.Add($"{s.Name} upper");
            }
        }

        var rows = series.SelectMany(s => s.Points).Select(p => p.At).Distinct().Order().Select(at =>
        {
            var cells = new List<string> { ChartFormat.Time(at) };
            foreach (var s in series)
            {
                var point = s.Points.FirstOrDefault(p => p.At == at);
                cells.Add(V(point?.Value));
                if (TimeSeriesChart.HasBand(s))
                {
                    cells.Add(V(point?.Lower));
                    cells.Add(V(point?.Upper));
                }
            }

            return (IReadOnlyList<string>)cells;
        });
        return ChartTable.Render(spec.Caption, headers, rows.ToList());

        string V(double? value) => value is { } v ? ChartFormat.Value(v, spec.YFormat) : Missing;
    }
}
