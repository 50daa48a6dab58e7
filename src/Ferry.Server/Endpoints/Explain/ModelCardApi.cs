using System.Security.Claims;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Server.Explain;
using Ferry.Server.Explain.ModelCards;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Explain;

/// <summary>
/// A version's global view and card (<c>/api/v1/models/{name}/versions/{version}/…</c>): <c>insights</c> (mean |SHAP|
/// and permutation importance, computed with the reference), <c>fairness?attribute=</c> (slices on the labelled
/// reference sample), and <c>card</c> (GET: Markdown, <c>?format=html</c> or <c>json</c>; PUT: the editable fields,
/// scientist). Reading needs a viewer.
/// </summary>
public static class ModelCardApi
{
    /// <summary>Longest editable field.</summary>
    public const int MaxFieldLength = 20_000;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapModelCardApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/models/{name}/versions/{version:int}").WithTags("Explanations").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("/insights", InsightsAsync).WithName("GetModelInsights").WithSummary("Global importance: mean |SHAP| over the reference sample and permutation importance on its labels.");
        group.MapGet("/fairness", FairnessAsync).WithName("GetModelFairness").WithSummary("Selection rate, TPR and FPR per group of ?attribute= on the labelled reference sample.");
        group.MapGet("/card", CardAsync).WithName("GetModelCard").WithSummary("The model card: Markdown (default), ?format=html or ?format=json.");
        group.MapPut("/card", SetCardAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SetModelCard")
            .WithSummary("Sets the card's editable fields: owner, intendedUse, limitations, ethicalConsiderations, fairnessAttribute.");
        return routes;
    }

    /// <summary>The stored global importance.</summary>
    public static async Task<IResult> InsightsAsync(string name, int version, IRegistryStore registry, IReferenceProfileStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(store);
        _ = await registry.GetVersionAsync(name, version, cancellationToken);
        var entry = await store.FindReferenceAsync(name, version, cancellationToken);
        if (entry?.InsightsJson is not { } json)
        {
            throw new NotFoundException($"{name} version {version} has no global importance yet: compute its reference ('ferry models reference {name} {version} data.csv --label COLUMN').");
        }

        return TypedResults.Text(json, "application/json");
    }

    /// <summary>Fairness slices of one attribute.</summary>
    public static async Task<IResult> FairnessAsync(string name, int version, string? attribute, double? threshold, IRegistryStore registry, ReferenceCache references, ModelCache models, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(models);
        if (string.IsNullOrWhiteSpace(attribute))
        {
            throw new ValidationException("attribute", "is required: the feature whose groups are compared (e.g. region)");
        }

        if (threshold is <= 0 or >= 1)
        {
            throw new ValidationException("threshold", "must be in (0, 1)");
        }

        var found = await registry.GetVersionAsync(name, version, cancellationToken);
        var reference = await references.GetAsync(name, version, cancellationToken);
        if (reference?.Entry is not { SampleJson: { } sampleJson, PositiveLabel: { } positive })
        {
            throw new ValidationException("reference", $"{name} version {version} has no labelled reference; fairness needs one ('ferry models reference {name} {version} data.csv --label COLUMN')");
        }

        using var lease = await models.AcquireAsync(RegisteredRoute.Of(found), cancellationToken);
        var fairness = InsightsBuilder.Fairness(lease.Model, ReferenceSample.FromJson(sampleJson, lease.Model.Features), attribute, positive, threshold ?? 0.5);
        return TypedResults.Json(fairness, ExplainJsonContext.Default.CardFairness);
    }

    /// <summary>The card.</summary>
    public static async Task<IResult> CardAsync(string name, int version, string? format, ModelCardAssembler assembler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assembler);
        var kind = (format ?? "markdown").ToLowerInvariant();
        if (kind is not ("markdown" or "md" or "html" or "json"))
        {
            throw new ValidationException("format", "must be markdown, html or json");
        }

        var data = await assembler.AssembleAsync(name, version, cancellationToken);
        var markdown = ModelCardMarkdown.Render(data);
        return kind switch
        {
            "html" => TypedResults.Text(ModelCardHtml.Render(markdown, $"Model card: {name} version {version}"), "text/html; charset=utf-8"),
            "json" => TypedResults.Json(new ModelCardView(name, version, data.Fields, markdown, MethodView(data)), ExplainJsonContext.Default.ModelCardView),
            _ => TypedResults.Text(markdown, "text/markdown; charset=utf-8"),
        };
    }

    /// <summary>Sets the editable fields.</summary>
    public static async Task<IResult> SetCardAsync(string name, int version, HttpRequest request, IRegistryStore registry, IModelCardStore cards, ModelCardAssembler assembler, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(assembler);
        _ = await registry.GetVersionAsync(name, version, cancellationToken);
        var fields = await RequestJson.DeserializeAsync(request, ExplainJsonContext.Default.ModelCardFields, cancellationToken) ?? new ModelCardFields();
        foreach (var (field, value) in new[] { ("owner", fields.Owner), ("intendedUse", fields.IntendedUse), ("limitations", fields.Limitations), ("ethicalConsiderations", fields.EthicalConsiderations), ("fairnessAttribute", fields.FairnessAttribute), ("positiveDecision", fields.PositiveDecision), ("negativeDecision", fields.NegativeDecision), ("positiveOutcome", fields.PositiveOutcome), ("contest", fields.Contest) })
        {
            if (value is { Length: > MaxFieldLength })
            {
                throw new ValidationException(field, $"must be at most {MaxFieldLength} characters");
            }
        }

        if (fields.DecisionThreshold is { } threshold && !double.IsFinite(threshold))
        {
            throw new ValidationException("decisionThreshold", "must be a finite number");
        }

        await cards.SaveAsync(name, version, JsonSerializer.Serialize(fields, ExplainJsonContext.Default.ModelCardFields), user.ActorName(), cancellationToken);
        var data = await assembler.AssembleAsync(name, version, cancellationToken);
        return TypedResults.Json(new ModelCardView(name, version, data.Fields, ModelCardMarkdown.Render(data), MethodView(data)), ExplainJsonContext.Default.ModelCardView);
    }

    private static ExplanationMethodView? MethodView(ModelCardData data) =>
        data.Explanation is { } plan ? new ExplanationMethodView(plan.Method, plan.FallbackReason) : null;
}
