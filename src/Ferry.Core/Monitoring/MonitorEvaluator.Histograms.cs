using System.Globalization;
using Ferry.Statistics.Profiles;

namespace Ferry.Core.Monitoring;

public static partial class MonitorEvaluator
{
    /// <summary>Most categories a chart shows; the rest are summed into "other".</summary>
    public const int MaxChartCategories = 20;

    private static ColumnHistogram Histogram(ColumnSchema column, ColumnProfile reference, ColumnProfile current)
    {
        if (column.Kind == ColumnKind.Numeric)
        {
            var edges = column.BinEdges;
            var labels = new List<string>(edges.Length + 1);
            for (var i = 0; i <= edges.Length; i++)
            {
                labels.Add(i == 0 ? $"≤ {Number(edges[0])}"
                    : i == edges.Length ? $"> {Number(edges[^1])}"
                    : $"{Number(edges[i - 1])} – {Number(edges[i])}");
            }

            return new ColumnHistogram(column.Name, "numeric", labels, Shares(reference.BinCounts), Shares(current.BinCounts));
        }

        var categories = reference.CategoryCounts.Keys.Union(current.CategoryCounts.Keys, StringComparer.Ordinal)
            .OrderByDescending(k => reference.CategoryCounts.GetValueOrDefault(k) + current.CategoryCounts.GetValueOrDefault(k))
            .ThenBy(k => k, StringComparer.Ordinal)
            .ToList();
        var shown = categories.Take(MaxChartCategories).ToList();
        var rest = categories.Skip(MaxChartCategories).ToList();
        var refCounts = shown.Select(k => reference.CategoryCounts.GetValueOrDefault(k)).ToList();
        var curCounts = shown.Select(k => current.CategoryCounts.GetValueOrDefault(k)).ToList();
        if (rest.Count > 0)
        {
            shown.Add("other");
            refCounts.Add(rest.Sum(k => reference.CategoryCounts.GetValueOrDefault(k)));
            curCounts.Add(rest.Sum(k => current.CategoryCounts.GetValueOrDefault(k)));
        }

        return new ColumnHistogram(column.Name, "categorical", shown, Shares(refCounts), Shares(curCounts));
    }

    private static double[] Shares(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        return [.. counts.Select(c => total == 0 ? 0 : c / total)];
    }

    private static string Number(double value) => Math.Abs(value) >= 1000
        ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);
}
