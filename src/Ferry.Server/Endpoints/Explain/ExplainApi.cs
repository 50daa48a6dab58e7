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
    /// <summary>Most reason codes a request may ask for.</summary>
    public const int MaxReasons = 20;

    /// <summary>Most KernelSHAP coalition samples a request may ask for.</summary>
    public const int MaxKernelSamples = 16_384;

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
        var settings = Settings(reasons, outcome, method, samples);
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
        var settings = Settings(reasons, outcome, method, samples);
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
        var route = RouteOf(found);
        using var lease = await models.AcquireAsync(route, cancellationToken);
        using var inputs = JsonDocument.Parse("[" + logged.Prediction.InputsJson + "]");
        var batch = RecordValidator.FromRecords(inputs.RootElement, lease.Model.Features, "inputs");
        var context = await explainers.GetAsync(route, lease.Model, cancellationToken);
        return ExplanationViews.Explain(context, route, lease.Model, batch, settings, [id])[0];
    }

    /// <summary>A registered version as a route (for versions no longer deployed).</summary>
    public static ResolvedRoute RouteOf(RegistryVersion found)
    {
        ArgumentNullException.ThrowIfNull(found);
        if (found.Version.Flavor is not { } flavor || found.Version.ArtifactPath is not { } path)
        {
            throw new ValidationException("version", $"{found.ModelName} version {found.Version.Version} is not a servable model");
        }

        return new ResolvedRoute(found.ModelName, found.Version.Version, null, flavor, path, RouteRole.Weighted, 100);
    }

    /// <summary>Reason-code settings from the query.</summary>
    public static ReasonSettings Settings(int? reasons, string? outcome, string? method = null, int? samples = null)
    {
        if (samples is < 16 or > MaxKernelSamples)
        {
            throw new ValidationException("samples", $"must be from 16 to {MaxKernelSamples}");
        }

        var interventional = method?.ToLowerInvariant() switch
        {
            null or "" or "path-dependent" or "tree-path-dependent" => false,
            "interventional" or "tree-interventional" => true,
            _ => throw new ValidationException("method", "must be path-dependent (default) or interventional (tree models)"),
        };
        if (reasons is < 0 or > MaxReasons)
        {
            throw new ValidationException("reasons", $"must be from 0 to {MaxReasons}");
        }

        if (outcome is { Length: > 100 })
        {
            throw new ValidationException("outcome", "must be at most 100 characters");
        }

        return new ReasonSettings(reasons ?? 4, string.IsNullOrWhiteSpace(outcome) ? "the score" : outcome, interventional, samples);
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
