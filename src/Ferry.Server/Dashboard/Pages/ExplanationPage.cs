using System.Globalization;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Explain;
using Ferry.Server.Dashboard.Charts;
using Ferry.Server.Explain;
using Ferry.Server.Serving;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// Why one logged prediction came out as it did: the decision, a waterfall from the average score through each
/// feature's SHAP contribution to this prediction, the reason codes in words, and the inputs.
/// </summary>
public static class ExplanationPage
{
    private const int WaterfallSteps = 10;

    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string name, Guid id, IPredictionStore predictions, IRegistryStore registry, ModelCache models, Explainers explainers, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(predictions);
        var view = await EndpointView.LoadAsync(name, null, context.RequestServices, clock, cancellationToken);
        var logged = view is null || !await DashboardPermissions.MayReadAsync(context, view, cancellationToken) ? null : await predictions.FindAsync(name, id, cancellationToken);
        if (view is null || logged is null)
        {
            return NotFoundPage.Render(context, $"Endpoint '{name}' has no logged prediction {id}.");
        }

        var outcome = view.Card.PositiveOutcome is { Length: > 0 } word ? $"the risk of {word}" : "the score";
        Html explanation;
        try
        {
            var explained = await LoggedExplanations.ExplainAsync(name, id, new ReasonSettings(5, outcome), predictions, registry, models, explainers, cancellationToken);
            explanation = Render(explained, EndpointView.ScoreOf(logged.Prediction.OutputsJson), view);
        }
        catch (ConflictException e)
        {
            explanation = Ui.Empty("This decision has no explanation.", Html.Text(e.Message));
        }
        catch (ValidationException e)
        {
            explanation = Ui.Empty("This prediction cannot be explained yet.", Html.Text(string.Join(" ", e.Errors.SelectMany(kv => kv.Value.Select(m => $"{kv.Key} {m}")))));
        }

        var score = EndpointView.ScoreOf(logged.Prediction.OutputsJson);
        var decision = Decision(view, score);
        var truth = logged.Feedback is { } f ? Html.Of($"{f.Label ?? f.Value?.ToString(CultureInfo.InvariantCulture) ?? "–"} <span class=\"hint\">(arrived {Ui.Time(f.ReceivedAt)})</span>") : Html.Text("not known yet");
        var facts = Html.Of($"""
            <dl class="facts">
            <dt>Decision</dt><dd class="decision">{decision}</dd>
            <dt>Score</dt><dd>{(score is { } s ? s.ToString("0.000", CultureInfo.InvariantCulture) : "–")}</dd>
            <dt>Served</dt><dd>{Ui.Time(logged.Prediction.Timestamp)} by {logged.Prediction.ModelName} v{logged.Prediction.ModelVersion}</dd>
            <dt>Actual outcome</dt><dd>{truth}</dd>
            <dt>Prediction id</dt><dd><code>{id}</code></dd>
            <dt>Notice</dt><dd><a href="{DashboardLinks.Notice(name, id)}">Decision notice for the applicant</a> <span class="hint">(decision, main factors, review, how to contest; printable)</span></dd>
            </dl>
            """);
        var reviews = await ReviewQueuePage.HistoryAsync(name, id, context.RequestServices, cancellationToken);
        return Layout.Page(context, Layout.Section.Models, "Why this decision",
            Html.Of($"The reasons behind one prediction of <a href=\"{DashboardLinks.Endpoint(name)}\">{name}</a>, computed with {Ui.Term("SHAP", Terms.Shap)}."),
            Html.Join([view.Tabs("Decisions"), facts, reviews, explanation, Inputs(logged.Prediction.InputsJson)]),
            [.. view.Crumbs(includeSelf: true), new Crumb("Decisions", DashboardLinks.Predictions(name))]);
    }

    private static Html Decision(EndpointView view, double? score)
    {
        return view.IsPositive(score) switch
        {
            true => Html.Of($"{view.DecisionBadge(score)} score {score:0.000} is at or above the threshold {view.Card.DecisionThreshold:0.###}"),
            false => Html.Of($"{view.DecisionBadge(score)} score {score:0.000} is below the threshold {view.Card.DecisionThreshold:0.###}"),
            null => Html.Text("no decision rule on the model card"),
        };
    }

    private static Html Render(ExplanationView explained, double? score, EndpointView view)
    {
        var top = explained.Attributions.Take(WaterfallSteps).ToList();
        var rest = explained.Attributions.Skip(WaterfallSteps).ToList();
        var steps = top.Select(a => new WaterfallChart.Feature(a.Feature, ValueText(a.Value), a.Contribution)).ToList();
        if (rest.Count > 0)
        {
            steps.Add(new WaterfallChart.Feature($"{rest.Count} other features", null, rest.Sum(a => a.Contribution)));
        }

        var space = explained.Space == ExplanationSpaces.LogOdds && view.Card.PositiveOutcome is { Length: > 0 } word ? $"log-odds of {word}" : explained.Space;
        var chart = WaterfallChart.Render("waterfall", explained.BaseValue, steps, explained.Output, space, v => v.ToString("0.00", CultureInfo.InvariantCulture),
            "From the average score to this prediction: each feature's contribution");
        var sum = explained.BaseValue + explained.Attributions.Sum(a => a.Contribution);
        var check = explained.Space == ExplanationSpaces.LogOdds
            ? $"Check: base value {explained.BaseValue:0.000} + contributions {sum - explained.BaseValue:+0.000;-0.000} = {sum:0.000} in log-odds, and the logistic function turns {sum:0.000} into the probability {1 / (1 + Math.Exp(-sum)):0.000}{(score is { } s ? $"; the score served was {s:0.000}" : string.Empty)}."
            : $"Check: base value {explained.BaseValue:0.000} + contributions {sum - explained.BaseValue:+0.000;-0.000} = {sum:0.000}; the model's output was {explained.Output:0.000}.";
        var reasons = explained.ReasonCodes.Count == 0
            ? Html.Text("No feature pushed this prediction toward the adverse outcome.")
            : Html.Of($"<ol class=\"reasons\">{Html.Each(explained.ReasonCodes, r => Html.Of($"<li>{r.Sentence}</li>"))}</ol>");
        return Html.Of($"""
            <h2>Reasons</h2>
            {reasons}
            <h2>Contributions</h2>
            <p class="lead">Starting from the {Ui.Term("base value", Terms.BaseValue)} {explained.BaseValue:0.000}, bars to the right raise the score and bars to the left lower it. Method: {explained.Method}.</p>
            {chart}
            <p id="local-accuracy" class="hint">{check}</p>
            {(explained.Note is { Length: > 0 } note ? Html.Of($"<p class=\"hint\">{note}</p>") : Html.Empty)}
            """);
    }

    private static Html Inputs(string inputsJson)
    {
        using var document = JsonDocument.Parse(inputsJson);
        var rows = document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.EnumerateObject().Select(p => (p.Name, Value: Text(p.Value))).ToList()
            : [];
        return Html.Join([Html.Raw("<h2>Inputs</h2>"), Ui.Table("What the model was sent",
            Html.Raw("<th scope=\"col\">Feature</th><th scope=\"col\">Value</th>"),
            Html.Each(rows, r => Html.Of($"<tr><th scope=\"row\">{r.Name}</th><td>{r.Value}</td></tr>")))]);
    }

    // Inputs are logged as the model received them: 32-bit floats print as 0.800000011920929, so 7 significant digits.
    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Number when value.TryGetDouble(out var number) => number.ToString("G7", CultureInfo.InvariantCulture),
        _ => value.GetRawText(),
    };

    private static string? ValueText(object? value) => value switch
    {
        null => null,
        JsonElement e => Text(e),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        float f => f.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
