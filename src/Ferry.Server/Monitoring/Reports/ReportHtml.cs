using System.Globalization;
using System.Net;
using System.Text;
using Ferry.Core.Monitoring;

namespace Ferry.Server.Monitoring.Reports;

/// <summary>
/// A self-contained HTML page of a monitoring report: the verdict, every check, and per column a bar chart of the
/// reference and current distributions (inline SVG and CSS: no script, no external asset). Every text is HTML-encoded.
/// </summary>
public static class ReportHtml
{
    private const int ChartWidth = 560;
    private const int ChartHeight = 180;

    /// <summary>Renders the report.</summary>
    /// <param name="title">Page title (e.g. the two files compared).</param>
    /// <param name="body">The report.</param>
    /// <param name="generatedAt">When it was computed.</param>
    public static string Render(string title, MonitorReportBody body, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(body);
        var failed = body.Checks.Count(c => !c.Passed);
        var html = new StringBuilder(16_384);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1a1a1a}")
            .Append("table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}")
            .Append(".fail{color:#a4000f;font-weight:600}.pass{color:#1d6b2c}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(580px,1fr));gap:1rem}")
            .Append("figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:.5rem}figcaption{font-weight:600}.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem}")
            .Append("</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1>");
        html.Append("<p>").Append(E(string.Create(CultureInfo.InvariantCulture, $"{body.Rows:N0} current rows; generated {generatedAt:yyyy-MM-dd HH:mm} UTC. ")))
            .Append(failed == 0 ? "<span class=\"pass\">Every check passed.</span>" : $"<span class=\"fail\">{failed} check(s) failed.</span>").Append("</p>");
        if (body.Drift is { } drift)
        {
            html.Append("<p>").Append(E(string.Create(CultureInfo.InvariantCulture,
                $"{drift.Features.DriftedColumns} of {drift.Features.Columns.Count} features drifted ({drift.Features.DriftShare:P0}); dataset drift: {(drift.Features.Drifted ? "yes" : "no")}.")))
                .Append("</p><p class=\"statistics\">").Append(E(DriftAccuracy.Summary(drift))).Append("</p>");
        }

        html.Append("<h2>Checks</h2><table><thead><tr><th>Check</th><th>Result</th><th>Value</th><th>Limit</th><th>Finding</th></tr></thead><tbody>");
        foreach (var check in body.Checks.OrderBy(c => c.Passed).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(E(check.Key)).Append("</td><td class=\"").Append(check.Passed ? "pass\">pass" : "fail\">FAIL")
                .Append("</td><td>").Append(E(MonitorEvaluator.Format(check.Value))).Append("</td><td>").Append(E(MonitorEvaluator.Format(check.Threshold)))
                .Append("</td><td>").Append(E(check.Message)).Append("</td></tr>");
        }

        html.Append("</tbody></table><h2>Distributions</h2><p class=\"legend\"><span style=\"background:#8a8f98\"></span>reference<span style=\"background:#2f6fdf\"></span>current</p><div class=\"grid\">");
        var verdicts = body.Drift?.Features.Columns.ToDictionary(c => c.Column, StringComparer.Ordinal) ?? [];
        foreach (var histogram in body.Histograms)
        {
            html.Append("<figure><figcaption>").Append(E(histogram.Column));
            if (verdicts.TryGetValue(histogram.Column, out var verdict))
            {
                html.Append(verdict.Drifted ? " <span class=\"fail\">drifted</span>" : " <span class=\"pass\">stable</span>")
                    .Append(" <small class=\"statistics\">").Append(E(DriftAccuracy.Describe(verdict))).Append("</small>");
            }

            html.Append("</figcaption>");
            Chart(html, histogram);
            html.Append("</figure>");
        }

        html.Append("</div></body></html>\n");
        return html.ToString();
    }

    private static void Chart(StringBuilder html, ColumnHistogram histogram)
    {
        var bins = histogram.Bins.Count;
        var max = Math.Max(histogram.Reference.DefaultIfEmpty(0).Max(), histogram.Current.DefaultIfEmpty(0).Max());
        var plotHeight = ChartHeight - 50;
        var slot = bins == 0 ? ChartWidth : (double)ChartWidth / bins;
        html.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" viewBox=\"0 0 {ChartWidth} {ChartHeight}\" width=\"100%\" aria-label=\"{E(histogram.Column)}: reference and current share per bin\">");
        for (var i = 0; i < bins; i++)
        {
            var x = i * slot;
            Bar(html, x + (slot * 0.1), slot * 0.4, histogram.Reference[i], max, plotHeight, "#8a8f98", histogram.Bins[i], "reference");
            Bar(html, x + (slot * 0.5), slot * 0.4, histogram.Current[i], max, plotHeight, "#2f6fdf", histogram.Bins[i], "current");
            if (bins <= 12)
            {
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (slot / 2):0.#}\" y=\"{plotHeight + 16}\" font-size=\"9\" text-anchor=\"middle\">{E(Shorten(histogram.Bins[i], 14))}</text>");
            }
        }

        html.Append("</svg>");
    }

    private static void Bar(StringBuilder html, double x, double width, double share, double max, int plotHeight, string colour, string bin, string series)
    {
        var height = max <= 0 ? 0 : share / max * plotHeight;
        html.Append(CultureInfo.InvariantCulture,
            $"<rect x=\"{x:0.#}\" y=\"{plotHeight - height:0.#}\" width=\"{width:0.#}\" height=\"{height:0.#}\" fill=\"{colour}\"><title>{E(bin)}: {series} {share:P1}</title></rect>");
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
