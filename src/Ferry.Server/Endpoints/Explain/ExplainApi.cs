using Ferry.Core.Explain;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Endpoints.Serving;
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
        using var document = await PredictApi.ReadBodyAsync(request, cancellationToken);
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
        var view = await log.AfterQueuedWrittenAsync(ct => ExplainLoggedViewAsync(name, id, settings, predictions, registry, models, explainers, ct), cancellationToken);
        return TypedResults.Json(view, ExplainJsonContext.Default.ExplanationView);
    }

    /// <summary>Explains a logged prediction with the version that answered it (also used by the dashboard).</summary>
    /// <exception cref="NotFoundException">The endpoint has no such logged prediction.</exception>
    public static async Task<ExplanationView> ExplainLoggedViewAsync(string name, Guid id, ReasonSettings settings, IPredictionStore predictions, IRegistryStore registry, ModelCache models, Explainers explainers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(explainers);
        var logged = await predictions.FindAsync(name, id, cancellationToken)
            ?? throw new NotFoundException($"Endpoint '{name}' has no logged prediction {id} (or retention removed it).");
        var found = await registry.GetVersionAsync(logged.Prediction.ModelName, logged.Prediction.ModelVersion, cancellationToken);
        var route = RegisteredRoute.Of(found);
        using var lease = await models.AcquireAsync(route, cancellationToken);
        using var inputs = JsonDocument.Parse("[" + logged.Prediction.InputsJson + "]");
        var batch = RecordValidator.FromRecords(inputs.RootElement, lease.Model.Features, "inputs");
        var context = await explainers.GetAsync(route, lease.Model, cancellationToken);
        return ExplanationViews.Explain(context, route, lease.Model, batch, settings, [id])[0];
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
