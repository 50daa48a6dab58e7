using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Explain;
using Ferry.Server.Identity;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Explain;

/// <summary>
/// Explanations: <c>POST /api/v1/endpoints/{name}/explain</c> (records, like predict; nothing is logged) and
/// <c>GET /api/v1/endpoints/{name}/predictions/{id}/explanation</c> (a logged prediction, with the version that answered
/// it), both viewer. Each answer gives the base value, one attribution per feature the caller sent, the output they add
/// up to, and reason codes. <c>?reasons=</c> sets how many (default 4), <c>?outcome=</c> the word for what adverse
/// features raise (default "the score"), <c>?version=</c> the endpoint's version explained (default its primary route),
/// <c>?method=interventional</c> interventional instead of path-dependent TreeSHAP for tree models (each answer names
/// its method), <c>?samples=</c> KernelSHAP's coalition samples per row for models it explains (default 1,024).
/// </summary>
public static class ExplainApi
{
    /// <summary>Most rows one explain request may carry (explanations cost far more than predictions).</summary>
    public const int MaxRows = 1_000;

    /// <summary>Maps the explanation routes.</summary>
    public static IEndpointRouteBuilder MapExplainApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/endpoints").WithTags("Explanations").RequireAuthorization(FerryPolicies.Viewer);
        group.MapPost("/{name}/explain", ExplainAsync).WithMetadata(new ReadOnlyOperationAttribute()).WithName("Explain")
            .WithSummary("Explains {\"records\": [...]}: base value + one attribution per feature = output, with reason codes.");
        group.MapGet("/{name}/predictions/{id:guid}/explanation", ExplainLoggedAsync).WithName("ExplainPrediction")
            .WithSummary("Explains a logged prediction with the version that answered it.");
        return routes;
    }

    /// <summary>Explains records.</summary>
    public static async Task<IResult> ExplainAsync(string name, int? version, int? reasons, string? outcome, string? method, int? samples, HttpRequest request, PolicyCache policies, ModelCache models, Explainers explainers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(models);
        var settings = ExplanationSettings.Parse(reasons, outcome, method, samples);
        using var document = await RequestJson.ReadAsync(request, cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("records", out var records))
        {
            throw new ValidationException("records", "is required: the body must be {\"records\": [{\"feature\": value, ...}, ...]}");
        }

        if (RecordValidator.RowCount(records, "records") > MaxRows)
        {
            throw new ValidationException("records", $"holds more than {MaxRows} rows; explain at most {MaxRows} at a time");
        }

        var policy = await policies.GetAsync(name, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{name}'.");
        var route = Primary(policy, version);
        using var lease = await models.AcquireAsync(route, cancellationToken);
        var batch = RecordValidator.FromRecords(records, lease.Model.Features, "records");
        var context = await explainers.GetAsync(route, lease.Model, cancellationToken);
        var views = ExplanationViews.Explain(context, route, lease.Model, batch, settings);
        return TypedResults.Json(new ExplanationListView(views), ExplainJsonContext.Default.ExplanationListView);
    }

    /// <summary>Explains a logged prediction.</summary>
    public static async Task<IResult> ExplainLoggedAsync(string name, Guid id, int? reasons, string? outcome, string? method, int? samples, IPredictionStore predictions, PredictionLog log, IRegistryStore registry, ModelCache models, Explainers explainers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(models);
        var settings = ExplanationSettings.Parse(reasons, outcome, method, samples);
        var view = await log.AfterQueuedWrittenAsync(ct => LoggedExplanations.ExplainAsync(name, id, settings, predictions, registry, models, explainers, ct), cancellationToken);
        return TypedResults.Json(view, ExplainJsonContext.Default.ExplanationView);
    }

    private static ResolvedRoute Primary(ResolvedPolicy policy, int? version)
    {
        if (version is { } v)
        {
            return policy.Routes.FirstOrDefault(r => r.Version == v) ?? throw new NotFoundException($"Endpoint '{policy.EndpointName}' does not serve version {v}.");
        }

        return policy.Routes.Where(r => r.Role == RouteRole.Weighted).OrderByDescending(r => r.Weight).FirstOrDefault()
            ?? throw new NotFoundException($"Endpoint '{policy.EndpointName}' has no weighted route.");
    }
}
