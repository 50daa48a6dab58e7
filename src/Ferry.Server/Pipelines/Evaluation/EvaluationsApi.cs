using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;
using Ferry.Server.Endpoints;
using Ferry.Server.Identity;

namespace Ferry.Server.Pipelines.Evaluation;

/// <summary>
/// Challenger evaluations: <c>GET /api/v1/evaluations?endpoint=&amp;limit=</c> and <c>GET /api/v1/evaluations/{id}</c>
/// (viewer), and <c>POST /api/v1/endpoints/{name}/evaluations</c> (scientist): any two versions compared by hand on a
/// labelled window of the endpoint's log, with the loop's own code (audited <c>evaluation.complete</c>).
/// </summary>
public static class EvaluationsApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapEvaluationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/evaluations").WithTags("Loop").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("", ListAsync).WithName("ListEvaluations")
            .WithSummary("Challenger evaluations, newest first: ?endpoint=, ?limit= (default 50, at most 1000).");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetEvaluation")
            .WithSummary("One evaluation: metrics with paired intervals and tests, ROC and calibration curves, fairness, prediction drift, shadow comparison.");
        routes.MapGroup("/api/v1/endpoints").WithTags("Loop")
            .MapPost("/{name}/evaluations", EvaluateAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("EvaluateVersions")
            .WithSummary("Compares two versions on a labelled window of the endpoint's log: {\"challenger\": {\"model\", \"version\"}, \"champion\"?: {...}, \"from\", \"to\", \"metric\"?, \"margin\"?, ...}.");
        return routes;
    }

    /// <summary>Evaluations.</summary>
    public static async Task<IResult> ListAsync(string? endpoint, int? limit, IChallengerEvaluationStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var list = await store.ListAsync(endpoint, Math.Clamp(limit ?? 50, 1, 1000), cancellationToken);
        return TypedResults.Json(new EvaluationListView([.. list.Select(EvaluationView.From)]), EvaluationsJsonContext.Default.EvaluationListView);
    }

    /// <summary>One evaluation.</summary>
    public static async Task<IResult> GetAsync(Guid id, IChallengerEvaluationStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var evaluation = await store.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"No evaluation has id {id}.");
        return TypedResults.Json(EvaluationView.From(evaluation), EvaluationsJsonContext.Default.EvaluationView);
    }

    /// <summary>Evaluates two versions by hand and stores the result.</summary>
    public static async Task<IResult> EvaluateAsync(
        string name,
        HttpRequest request,
        IEndpointStore endpoints,
        IChallengerEvaluationStore store,
        PredictionWindow window,
        ChallengerEvaluator evaluator,
        IAuditLog audit,
        TimeProvider clock,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(clock);
        var body = await RequestJson.DeserializeAsync(request, EvaluationsJsonContext.Default.EvaluateBody, cancellationToken)
            ?? throw new ValidationException("body", "a JSON object is required");
        if (body.Challenger is not { Model: { Length: > 0 } challengerModel, Version: { } challengerVersion })
        {
            throw new ValidationException("challenger", "name the challenger: {\"model\": ..., \"version\": ...}");
        }

        if (body.From is not { } from || body.To is not { } to || from >= to)
        {
            throw new ValidationException("from", "give the window as from < to (ISO-8601 times)");
        }

        var defaults = new EvaluationPlan();
        var plan = defaults with
        {
            Metric = body.Metric ?? defaults.Metric,
            Margin = body.Margin ?? defaults.Margin,
            BootstrapSamples = body.BootstrapSamples ?? defaults.BootstrapSamples,
            Confidence = body.Confidence ?? defaults.Confidence,
            Seed = body.Seed ?? defaults.Seed,
            FairnessAttribute = body.FairnessAttribute,
        };
        if (plan.BootstrapSamples is < 1 or > 10_000)
        {
            throw new ValidationException("bootstrapSamples", "must be between 1 and 10000");
        }

        if (plan.Confidence is <= 0 or >= 1 || plan.Margin < 0)
        {
            throw new ValidationException("confidence", "confidence must lie in (0, 1) and margin must not be negative");
        }

        string championModel;
        int championVersion;
        if (body.Champion is { Version: { } v })
        {
            (championModel, championVersion) = (body.Champion.Model ?? challengerModel, v);
        }
        else
        {
            var policy = await endpoints.ResolveAsync(name, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{name}'.");
            var serving = policy.Routes.Where(r => r.Role == RouteRole.Weighted).MaxBy(r => r.Weight)
                ?? throw new ValidationException("champion", $"endpoint '{name}' serves no version; name the champion");
            (championModel, championVersion) = (serving.ModelName, serving.Version);
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var logged = await window.ReadAsync(name, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), cancellationToken);
        var rows = PredictionWindow.LabelledAsOf(logged, now, null);
        var evaluation = await evaluator.EvaluateAsync(
            new EvaluationInput(name, challengerModel, championModel, championVersion, challengerVersion, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), rows, plan),
            cancellationToken);
        evaluation.CompletedAt = now;
        await store.AddAsync(evaluation, cancellationToken);
        await audit.RecordAsync(user.ActorName(), AuditRecord.Of("evaluation.complete", $"endpoint/{name}/evaluation/{evaluation.Id}", new
        {
            evaluation.Id,
            evaluation.ModelName,
            ChampionModel = championModel,
            evaluation.ChampionVersion,
            evaluation.ChallengerVersion,
            evaluation.Rows,
            evaluation.Metric,
            evaluation.Verdict,
            evaluation.PValue,
        }), cancellationToken);
        return TypedResults.Json(EvaluationView.From(evaluation), EvaluationsJsonContext.Default.EvaluationView, statusCode: StatusCodes.Status201Created);
    }
}

/// <summary>A version named in a request.</summary>
/// <param name="Model">Registered model (the challenger's when left out for the champion).</param>
/// <param name="Version">Version.</param>
public sealed record VersionRef(string? Model, int? Version);

/// <summary>The body of <c>POST /api/v1/endpoints/{name}/evaluations</c>.</summary>
/// <param name="Challenger">The version evaluated.</param>
/// <param name="Champion">What it is compared with (default: the endpoint's serving version, the heaviest weighted route).</param>
/// <param name="From">The window's start.</param>
/// <param name="To">Its end.</param>
/// <param name="Metric">The deciding metric (default <c>roc_auc</c>; regressors: <c>rmse</c> or <c>mae</c>).</param>
/// <param name="Margin">Non-inferiority margin (default 0.01).</param>
/// <param name="BootstrapSamples">Paired resamples (default 1000).</param>
/// <param name="Confidence">Interval level (default 0.95).</param>
/// <param name="Seed">Bootstrap seed (default 17).</param>
/// <param name="FairnessAttribute">Input whose groups are compared (default: the model card's).</param>
public sealed record EvaluateBody(
    VersionRef? Challenger, VersionRef? Champion, DateTimeOffset? From, DateTimeOffset? To, string? Metric, double? Margin, int? BootstrapSamples, double? Confidence, int? Seed, string? FairnessAttribute);

/// <summary>An evaluation as the API shows it; the detail fields are the stored JSON as it is.</summary>
public sealed record EvaluationView(
    Guid Id,
    Guid? PipelineRunId,
    string Endpoint,
    string Model,
    int ChampionVersion,
    int ChallengerVersion,
    string WindowFrom,
    string WindowTo,
    int Rows,
    string Metric,
    double ChampionValue,
    double ChallengerValue,
    double DifferenceLow,
    double DifferenceHigh,
    string PairedTest,
    double PValue,
    string Verdict,
    string Summary,
    JsonElement Metrics,
    JsonElement Curves,
    JsonElement Fairness,
    JsonElement Drift,
    JsonElement? Shadow,
    string? ShadowStartedAt,
    string CreatedAt,
    string? CompletedAt)
{
    /// <summary>The view of a stored evaluation.</summary>
    public static EvaluationView From(ChallengerEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new EvaluationView(
            e.Id, e.PipelineRunId, e.EndpointName, e.ModelName, e.ChampionVersion, e.ChallengerVersion, Iso(e.WindowFrom), Iso(e.WindowTo), e.Rows, e.Metric,
            e.ChampionValue, e.ChallengerValue, e.DifferenceLow, e.DifferenceHigh, e.PairedTest, e.PValue, e.Verdict, e.Summary,
            Parse(e.MetricsJson), Parse(e.CurvesJson), Parse(e.FairnessJson), Parse(e.DriftJson), e.ShadowJson is null ? null : Parse(e.ShadowJson),
            e.ShadowStartedAt is { } s ? Iso(s) : null, Iso(e.CreatedAt), e.CompletedAt is { } c ? Iso(c) : null);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Iso(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A list of evaluations.</summary>
/// <param name="Evaluations">Newest first.</param>
public sealed record EvaluationListView(IReadOnlyList<EvaluationView> Evaluations);

/// <summary>Source-generated JSON for the evaluation routes (web defaults; NaN written as text).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(EvaluateBody))]
[JsonSerializable(typeof(EvaluationView))]
[JsonSerializable(typeof(EvaluationListView))]
public sealed partial class EvaluationsJsonContext : JsonSerializerContext;
