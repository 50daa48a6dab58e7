using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Oversight;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Explain;
using Ferry.Server.Explain.ModelCards;
using Ferry.Server.Explain.Notices;
using Ferry.Server.Identity;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Explain;

/// <summary>
/// Decision notices and technical documentation (issue 19): <c>GET /api/v1/endpoints/{name}/predictions/{id}/notice</c>
/// (EU AI Act Art. 86: the decision, its main factors, human review and how to contest it; JSON or HTML by
/// <c>?format=</c> or the Accept header) and <c>GET /api/v1/models/{name}/versions/{version}/documentation</c>
/// (Annex IV-shaped technical documentation, Markdown or HTML). Both need a viewer.
/// </summary>
public static class NoticeApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapNoticeApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/endpoints/{name}/predictions/{id:guid}/notice", NoticeAsync).WithTags("Explanations")
            .RequireAuthorization(FerryPolicies.Viewer).WithName("GetDecisionNotice")
            .WithSummary("The decision notice of a logged prediction: decision, main factors, human review, how to contest; ?format=json (default) or html.");
        routes.MapGet("/api/v1/models/{name}/versions/{version:int}/documentation", DocumentationAsync).WithTags("Explanations")
            .RequireAuthorization(FerryPolicies.Viewer).WithName("GetTechnicalDocumentation")
            .WithSummary("Annex IV technical documentation of a version, assembled from what Ferry holds: ?format=md (default) or html.");
        return routes;
    }

    /// <summary>The notice of a logged prediction.</summary>
    public static async Task<IResult> NoticeAsync(
        string name,
        Guid id,
        string? format,
        int? reasons,
        HttpRequest request,
        IPredictionStore predictions,
        IPredictionReviewStore reviews,
        PredictionLog log,
        IRegistryStore registry,
        IModelCardStore cards,
        PolicyCache policies,
        ModelCache models,
        Explainers explainers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var kind = NoticeFormat(format, request);
        var settings = ExplanationSettings.Parse(reasons, null);
        var notice = await log.AfterQueuedWrittenAsync(
            ct => DecisionNotices.BuildAsync(name, id, settings, predictions, reviews, registry, cards, policies, models, explainers, ct), cancellationToken);
        return kind == "html"
            ? TypedResults.Text(DecisionNoticeHtml.Render(notice), "text/html; charset=utf-8")
            : TypedResults.Json(notice, NoticeJsonContext.Default.DecisionNoticeView);
    }

    /// <summary>The technical documentation of a version.</summary>
    public static async Task<IResult> DocumentationAsync(string name, int version, string? format, TechnicalDocumentation documentation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentation);
        var kind = (format ?? "md").ToLowerInvariant();
        if (kind is not ("md" or "markdown" or "html"))
        {
            throw new ValidationException("format", "must be md or html");
        }

        var markdown = await documentation.RenderAsync(name, version, cancellationToken);
        return kind == "html"
            ? TypedResults.Text(ModelCardHtml.Render(markdown, $"Technical documentation: {name} version {version}"), "text/html; charset=utf-8")
            : TypedResults.Text(markdown, "text/markdown; charset=utf-8");
    }

    /// <summary><c>json</c> or <c>html</c>: <c>?format=</c> wins, else the first of the two the Accept header prefers.</summary>
    private static string NoticeFormat(string? format, HttpRequest request)
    {
        if (format is not null)
        {
            return format.ToLowerInvariant() switch
            {
                "json" => "json",
                "html" => "html",
                "pdf" => throw new ValidationException("format", "pdf is not offered: use html and print it (the page has print styles); see docs/oversight/notices.md"),
                _ => throw new ValidationException("format", "must be json or html"),
            };
        }

        var accepted = request.GetTypedHeaders().Accept;
        foreach (var media in accepted.OrderByDescending(m => m.Quality ?? 1))
        {
            if (media.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return "html";
            }

            if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return "json";
            }
        }

        return "json";
    }
}
