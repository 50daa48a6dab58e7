using Ferry.Core.Dashboard;
using Ferry.Server.Dashboard.Charts;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// The business KPI: how often an outcome (a ground-truth label, e.g. "defaulted") happened among the predictions of
/// one decision (e.g. the approved applications, scored below the model card's decision threshold), per hour of serving.
/// The outcome and the population are chosen on the page; the defaults come from the model card's decision rule.
/// </summary>
public static class KpiSection
{
    /// <summary>Populations the KPI can be computed over.</summary>
    public static readonly IReadOnlyList<string> Populations = ["negative", "positive", "all"];

    /// <summary>Renders the KPI form, chart and summary.</summary>
    public static async Task<Html> RenderAsync(EndpointView view, string? outcome, string? among, IDashboardReadModel queries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(queries);
        var rows = await queries.LabelledAsync(view.Name, view.From.ToUnixTimeMilliseconds(), view.To.ToUnixTimeMilliseconds(), cancellationToken);
        if (rows.Count == 0)
        {
            return Ui.Empty("No ground truth has arrived for predictions in this window yet.",
                Html.Of($"When outcomes are known, send them with the prediction ids: <code>POST /api/v1/endpoints/{view.Name}/feedback</code> with <code>{{\"feedback\": [{{\"predictionId\": \"…\", \"label\": \"true\"}}]}}</code>. This chart then shows how often the outcome happened."));
        }

        var labels = rows.Select(r => r.Label ?? string.Empty).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var chosen = outcome is { Length: > 0 } o && labels.Contains(o) ? o : labels.Contains("true") ? "true" : labels.Contains("1") ? "1" : labels.FirstOrDefault() ?? string.Empty;
        var threshold = view.Card.DecisionThreshold;
        var population = among is { } a && Populations.Contains(a) && (threshold is not null || a == "all") ? a : threshold is null ? "all" : "negative";
        var included = rows.Where(r => view.InPopulation(EndpointView.ScoreOf(r.OutputsJson), population)).ToList();
        var title = Title(view, chosen, population);

        var hours = Hourly.Hours(view.From, view.To);
        var byHour = included.GroupBy(r => Hourly.HourOf(r.Timestamp)).ToDictionary(g => g.Key, g => (Rate: g.Count(r => r.Label == chosen) / (double)g.Count(), Count: g.Count()));
        var chart = TimeSeriesChart.Render(new TimeSeriesChart.Spec("kpi", title, "share of predictions (%)",
            [new TimeSeriesChart.Series(title, [.. hours.Select(h => new TimeSeriesChart.Point(h, byHour.TryGetValue(h, out var v) ? v.Rate : null))])])
        { YFormat = "0%", YMin = 0 });
        var overall = included.Count == 0 ? double.NaN : included.Count(r => r.Label == chosen) / (double)included.Count;
        var labelled = byHour.Count;
        var form = Html.Of($"""
            <form class="filters" method="get" action="{DashboardLinks.Endpoint(view.Name)}">
            <label for="kpi-outcome">Outcome counted (ground-truth label)
            <select id="kpi-outcome" name="kpiOutcome">{Html.Each(labels, l => l == chosen ? Html.Of($"<option selected>{l}</option>") : Html.Of($"<option>{l}</option>"))}</select></label>
            <label for="kpi-among">Among predictions
            <select id="kpi-among" name="kpiAmong">{Html.Each(Options(view, threshold), p => p.Value == population ? Html.Of($"<option value=\"{p.Value}\" selected>{p.Text}</option>") : Html.Of($"<option value=\"{p.Value}\">{p.Text}</option>"))}</select></label>
            <button type="submit">Show</button>
            </form>
            """);
        return Html.Of($"""
            {form}
            <div class="cards">
            {Ui.Card(title, Html.Text(Ui.Percent(overall)), $"{included.Count:N0} predictions with known outcome in the window")}
            {Ui.Card("Hours with outcomes", Html.Text(Ui.Number(labelled)), "ground truth arrives late: recent hours may have none yet")}
            </div>
            {chart}
            """);
    }

    private static IEnumerable<(string Value, string Text)> Options(EndpointView view, double? threshold)
    {
        if (threshold is { } t)
        {
            yield return ("negative", $"{view.NegativeDecision} (score below {t:0.###})");
            yield return ("positive", $"{view.PositiveDecision} (score {t:0.###} or more)");
        }

        yield return ("all", "all predictions");
    }

    private static string Title(EndpointView view, string outcome, string population)
    {
        var what = view.Card.PositiveOutcome is { Length: > 0 } word && (outcome is "true" or "1") ? $"{char.ToUpperInvariant(word[0])}{word[1..]} rate" : $"Rate of outcome '{outcome}'";
        return population switch
        {
            "negative" => $"{what} among {view.NegativeDecision} predictions",
            "positive" => $"{what} among {view.PositiveDecision} predictions",
            _ => $"{what} among all predictions",
        };
    }
}
