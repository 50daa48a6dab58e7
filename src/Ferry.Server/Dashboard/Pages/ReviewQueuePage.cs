using System.Globalization;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Identity;
using Ferry.Server.Oversight;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// An endpoint's review queue: the override rate per version over the override-rate window, then the unreviewed
/// predictions in the review band (refusals near the threshold), each with a confirm / override / escalate form for
/// approvers. The form carries an antiforgery token and posts to <see cref="ReviewService"/>, the API's own path, then
/// redirects back (post-redirect-get).
/// </summary>
public static class ReviewQueuePage
{
    private const int Shown = 100;

    /// <summary>Renders the page.</summary>
    public static Task<IResult> RenderAsync(HttpContext context, string name, Guid? reviewed, TimeProvider clock, CancellationToken cancellationToken) =>
        RenderAsync(context, name, reviewed, null, StatusCodes.Status200OK, clock, cancellationToken);

    /// <summary>Records a review from the form (POST, antiforgery-protected, approver), then redirects to the queue.</summary>
    public static async Task<IResult> ReviewAsync(HttpContext context, string name, Guid id, ReviewService service, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(service);
        var cancellationToken = context.RequestAborted;
        if (!await DashboardForms.IsValidAsync(context) || !context.Request.HasFormContentType)
        {
            return await RenderAsync(context, name, null, SignInPage.ForgedFormMessage, StatusCodes.Status400BadRequest, clock, cancellationToken);
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var outcome = form["outcome"].ToString().Trim();
        try
        {
            await service.ReviewAsync(name, id, form["action"].ToString(), outcome.Length == 0 ? null : JsonSerializer.SerializeToElement(outcome),
                form["reason"].ToString(), context.User.ActorName(), cancellationToken);
        }
        catch (ValidationException e)
        {
            return await RenderAsync(context, name, null, $"Not recorded: {e.Message}", StatusCodes.Status400BadRequest, clock, cancellationToken);
        }
        catch (NotFoundException e)
        {
            return NotFoundPage.Render(context, e.Message);
        }

        return TypedResults.Redirect($"{DashboardLinks.Reviews(name)}?reviewed={id}");
    }

    private static async Task<IResult> RenderAsync(HttpContext context, string name, Guid? reviewed, string? error, int status, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        var view = await EndpointView.LoadAsync(name, null, services, clock, cancellationToken);
        if (view is null || !await DashboardPermissions.MayReadAsync(context, view, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No endpoint is named '{name}'.");
        }

        var settings = await services.GetRequiredService<IEndpointOversightStore>().GetAsync(name, cancellationToken) ?? EndpointOversight.Defaults(name);
        var rates = await OverrideRates(name, services, clock, cancellationToken);
        var mayReview = FerryPolicies.RoleOf(context.User) is { } role && role.Satisfies(Role.Approver);
        Html queue;
        if (settings.ReviewBandLow is null || settings.ReviewBandHigh is null)
        {
            queue = Ui.Empty("No review band is set.", Html.Of($"An approver sets one: <code>./ferry endpoints review-settings {name} --band 0.35 0.65</code>."));
        }
        else
        {
            var read = await ReviewQueueReader.ReadAsync(settings, services.GetRequiredService<IPredictionStore>(), services.GetRequiredService<IPredictionReviewStore>(),
                (clock.GetUtcNow() - ReviewQueueReader.DefaultWindow).ToUnixTimeMilliseconds(), null, Shown, ReviewQueueReader.MaxScan, cancellationToken);
            var band = string.Create(CultureInfo.InvariantCulture, $"{read.BandLow:0.###} to {read.BandHigh:0.###}");
            var head = Html.Raw("<th scope=\"col\">Served</th><th scope=\"col\" class=\"num\">Score</th><th scope=\"col\">Model label</th><th scope=\"col\">Version</th><th scope=\"col\">Decision</th>"
                + (mayReview ? "<th scope=\"col\">Review</th>" : string.Empty));
            queue = read.Predictions.Count == 0
                ? Ui.Empty("Nothing to review.", Html.Text($"No unreviewed prediction of the last 30 days scores {band} for class {read.ScoreClass ?? "?"}."))
                : Html.Join([
                    Html.Text($"Unreviewed predictions whose probability of class {read.ScoreClass ?? "?"} lies from {band}, oldest first."),
                    Ui.Table($"{read.Predictions.Count} predictions to review", head, Html.Each(read.Predictions, p => Html.Of($"""
                        <tr data-prediction="{p.Id.ToString()}"><td>{Ui.Time(p.Timestamp)}</td><td class="num">{p.Score.ToString("0.000", CultureInfo.InvariantCulture)}</td>
                        <td>{p.Label ?? "–"}</td><td>v{p.ModelVersion.ToString(CultureInfo.InvariantCulture)}</td>
                        <td><a href="{DashboardLinks.Prediction(name, p.Id)}">Open<span class="visually-hidden"> prediction {p.Id.ToString()}</span></a></td>
                        {(mayReview ? Form(context, name, p.Id) : Html.Empty)}</tr>
                        """))),
                ]);
        }

        var notice = reviewed is { } done ? Html.Of($"<p role=\"status\" id=\"review-recorded\">Review of prediction {done.ToString()} recorded.</p>") : Html.Empty;
        var message = error is null ? Html.Empty : Html.Of($"<p class=\"error\" role=\"alert\" id=\"review-error\">{error}</p>");
        var who = mayReview ? Html.Empty : Html.Raw("<p class=\"hint\">Reviewing needs an approver; you can read the queue.</p>");
        var body = Html.Join([view.Tabs("Reviews"), message, notice, Html.Raw("<h2>Override rate</h2>"), rates, Html.Raw("<h2>Review queue</h2>"), who, queue]);
        return Layout.Page(context, status, Layout.Section.Models, $"Reviews of {name}",
            Html.Text("Human oversight: how often reviewers overrode the model, and the decisions waiting for a person."),
            body, view.Crumbs(includeSelf: true));
    }

    /// <summary>The override rate per version over the override-rate window, as a table (shared with the endpoint page).</summary>
    public static async Task<Html> OverrideRates(string name, IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(clock);
        var window = services.GetRequiredService<IOptions<OverrideRateOptions>>().Value.OverrideRateWindow;
        var now = clock.GetUtcNow();
        var counts = await services.GetRequiredService<IPredictionReviewStore>().CountAsync(name, (now - window).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds() + 1, cancellationToken);
        var limit = (await services.GetRequiredService<IEndpointOversightStore>().GetAsync(name, cancellationToken))?.OverrideRateLimit;
        var limitText = limit is { } l ? $"The alert opens above {Ui.Percent(l)}." : "No override-rate limit is set.";
        if (counts.Count == 0)
        {
            return Ui.Empty("No prediction in the window.", Html.Text(limitText));
        }

        return Html.Join([
            Ui.Table($"Reviews of the predictions served in the last {window.TotalDays.ToString("0.##", CultureInfo.InvariantCulture)} days",
                Html.Raw("<th scope=\"col\">Version</th><th scope=\"col\" class=\"num\">Predictions</th><th scope=\"col\" class=\"num\">Reviewed</th><th scope=\"col\" class=\"num\">Overridden</th><th scope=\"col\" class=\"num\">Override rate</th>"),
                Html.Each(counts, c => Html.Of($"""
                    <tr data-version="{c.ModelVersion.ToString(CultureInfo.InvariantCulture)}"><td>{c.ModelName} v{c.ModelVersion.ToString(CultureInfo.InvariantCulture)}</td><td class="num">{Ui.Number(c.Predictions)}</td>
                    <td class="num">{Ui.Number(c.Reviewed)}</td><td class="num">{Ui.Number(c.Overridden)}</td><td class="num override-rate">{(c.OverrideRate is { } r ? Ui.Percent(r) : "–")}</td></tr>
                    """))),
            Html.Of($"<p class=\"hint\">{limitText} <a href=\"{DashboardLinks.Reviews(name)}\">Review queue</a></p>"),
        ]);
    }

    /// <summary>The human reviews of one prediction, oldest first (the decision page's section), with a link to the queue.</summary>
    public static async Task<Html> HistoryAsync(string name, Guid id, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var reviews = await services.GetRequiredService<IPredictionReviewStore>().ListAsync(id, cancellationToken);
        var list = reviews.Count == 0
            ? Html.Of($"<p id=\"reviews\">No person has reviewed this decision. <a href=\"{DashboardLinks.Reviews(name)}\">Review queue</a></p>")
            : Ui.Table("Reviews of this decision, oldest first",
                Html.Raw("<th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">Action</th><th scope=\"col\">Outcome</th><th scope=\"col\">Reason</th>"),
                Html.Each(reviews, r => Html.Of($"""
                    <tr class="review" data-action="{ReviewRules.Name(r.Action)}"><td>{Ui.Time(r.CreatedAt)}</td><td>{r.Actor}</td><td>{ReviewRules.Name(r.Action)}</td><td>{r.Outcome ?? "–"}</td><td>{r.Reason}</td></tr>
                    """)));
        return Html.Join([Html.Raw("<h2>Human review</h2>"), list]);
    }

    private static Html Form(HttpContext context, string name, Guid id) => Html.Of($"""
        <td><form class="review" method="post" action="{DashboardLinks.Reviews(name)}/{id.ToString()}">
        {DashboardForms.Field(context)}
        <label>Action <select name="action"><option value="confirm">confirm</option><option value="override">override</option><option value="escalate">escalate</option></select></label>
        <label>Outcome <input name="outcome" size="4"></label>
        <label>Reason <input name="reason" required maxlength="{ReviewRules.MaxReasonLength.ToString(CultureInfo.InvariantCulture)}"></label>
        <button type="submit">Record</button>
        </form></td>
        """);
}
