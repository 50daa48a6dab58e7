using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Identity;
using Ferry.Core.Oversight;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Explain;
using Ferry.Server.Explain.ModelCards;
using Ferry.Server.Explain.Notices;
using Ferry.Server.Serving;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// The decision notice of one logged prediction (a standalone page to print or send to the affected person, as the API's
/// HTML) and a version's technical documentation (inside the dashboard's layout).
/// </summary>
public static class NoticePages
{
    /// <summary>The notice: the same page as <c>GET /api/v1/endpoints/{name}/predictions/{id}/notice?format=html</c>.</summary>
    public static async Task<IResult> NoticeAsync(
        HttpContext context,
        string name,
        Guid id,
        IPredictionStore predictions,
        IPredictionReviewStore reviews,
        IRegistryStore registry,
        IModelCardStore cards,
        PolicyCache policies,
        ModelCache models,
        Explainers explainers,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var view = await EndpointView.LoadAsync(name, null, context.RequestServices, clock, cancellationToken);
        if (view is null || !await DashboardPermissions.MayReadAsync(context, view, cancellationToken))
        {
            return NotFoundPage.Render(context, $"Endpoint '{name}' has no logged prediction {id}.");
        }

        try
        {
            var notice = await DecisionNotices.BuildAsync(name, id, new ReasonSettings(), predictions, reviews, registry, cards, policies, models, explainers, cancellationToken);
            return TypedResults.Text(DecisionNoticeHtml.Render(notice), "text/html; charset=utf-8");
        }
        catch (NotFoundException)
        {
            return NotFoundPage.Render(context, $"Endpoint '{name}' has no logged prediction {id}.");
        }
    }

    /// <summary>The technical documentation of a version.</summary>
    public static async Task<IResult> DocumentationAsync(HttpContext context, string name, int version, TechnicalDocumentation documentation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentation);
        if (!await DashboardPermissions.MayAsync(context, name, PermissionLevel.Read, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No model is named '{name}'.");
        }

        string markdown;
        try
        {
            markdown = await documentation.RenderAsync(name, version, cancellationToken);
        }
        catch (NotFoundException e)
        {
            return NotFoundPage.Render(context, e.Message);
        }

        var body = Ui.WrapTables(ModelCardHtml.RenderBody(markdown));
        var links = Html.Of($"""<p><a href="/api/v1/models/{Uri.EscapeDataString(name)}/versions/{version}/documentation">Markdown</a> · <a href="/api/v1/models/{Uri.EscapeDataString(name)}/versions/{version}/documentation?format=html">printable page</a> (API, needs a token) · <code>ferry models docs {name} {version} --format html --out docs.html</code></p>""");
        return Layout.Page(context, Layout.Section.Models, $"Technical documentation: {name} v{version}",
            Html.Text("The EU AI Act's Annex IV documentation, assembled from what Ferry holds: purpose and limits, data, design, validation, monitoring, human oversight and the change log."),
            Html.Join([links, Html.Of($"<article class=\"card-body\">{body}</article>")]),
            new Crumb("Models", DashboardLinks.Home), new Crumb(name, DashboardLinks.Model(name)));
    }
}
