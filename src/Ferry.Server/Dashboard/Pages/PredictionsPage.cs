using System.Globalization;
using Ferry.Core.Dashboard;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>An endpoint's latest decisions (by default the positive ones, e.g. refusals), each linking to its explanation.</summary>
public static class PredictionsPage
{
    private const int Scan = 5_000;
    private const int Shown = 100;

    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string name, string? decision, IDashboardReadModel queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(queries);
        var view = await EndpointView.LoadAsync(name, null, context.RequestServices, clock, cancellationToken);
        if (view is null || !await DashboardPermissions.MayReadAsync(context, view, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No endpoint is named '{name}'.");
        }

        var threshold = view.Card.DecisionThreshold;
        var filter = decision is "positive" or "negative" or "all" ? decision : threshold is null ? "all" : "positive";
        var latest = await queries.LatestAsync(name, Scan, cancellationToken);
        var rows = latest.Select(p => (Prediction: p, Score: EndpointView.ScoreOf(p.OutputsJson)))
            .Where(r => view.InPopulation(r.Score, filter))
            .Take(Shown).ToList();
        var options = threshold is null
            ? [("all", "all predictions")]
            : new[] { ("positive", $"{view.PositiveDecision} only"), ("negative", $"{view.NegativeDecision} only"), ("all", "all predictions") };
        var form = Html.Of($"""
            <form class="filters" method="get" action="{DashboardLinks.Predictions(name)}">
            <label for="decision">Show
            <select id="decision" name="decision">{Html.Each(options, o => o.Item1 == filter ? Html.Of($"<option value=\"{o.Item1}\" selected>{o.Item2}</option>") : Html.Of($"<option value=\"{o.Item1}\">{o.Item2}</option>"))}</select></label>
            <button type="submit">Apply</button>
            </form>
            """);
        var rule = threshold is { } th
            ? Html.Of($"<p>Decision rule from the model card: a score of {th.ToString("0.###", CultureInfo.InvariantCulture)} or more is <strong>{view.PositiveDecision}</strong>, below it <strong>{view.NegativeDecision}</strong>.</p>")
            : Html.Of($"<p>The model card has no decision rule, so every prediction is listed. Set one with <code>./ferry models card {view.Model ?? "MODEL"} {view.Version} --set decision-threshold=0.2 --set positive-decision=refused --set negative-decision=approved</code>.</p>");
        var table = rows.Count == 0
            ? Ui.Empty("No prediction matches.", Html.Text("Predictions appear here once the endpoint has served traffic."))
            : Ui.Table($"Latest {rows.Count} matching predictions, newest first",
                Html.Raw("<th scope=\"col\">Served</th><th scope=\"col\" class=\"num\">Score</th><th scope=\"col\">Decision</th><th scope=\"col\">Version</th><th scope=\"col\">Explanation</th>"),
                Html.Each(rows, r => Html.Of($"""
                    <tr><td>{Ui.Time(r.Prediction.Timestamp)}</td><td class="num">{(r.Score is { } s ? s.ToString("0.000", CultureInfo.InvariantCulture) : "–")}</td>
                    <td>{view.DecisionBadge(r.Score)}</td><td>v{r.Prediction.ModelVersion}</td>
                    <td><a href="{DashboardLinks.Prediction(name, r.Prediction.Id)}">Why?<span class="visually-hidden"> prediction {r.Prediction.Id}</span></a></td></tr>
                    """)));
        return Layout.Page(context, Layout.Section.Models, $"Decisions of {name}",
            Html.Text("The latest predictions; open one to see the reasons behind it."),
            Html.Join([view.Tabs("Decisions"), rule, form, table]), view.Crumbs(includeSelf: true));
    }

}
