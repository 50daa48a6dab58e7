using System.Security.Claims;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Identity;
using Ferry.Server.Oversight;
using Ferry.Server.Serving;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Endpoints.Oversight;

/// <summary>
/// Human oversight of logged decisions (EU AI Act Art. 14): approvers confirm, override or escalate a prediction
/// (<c>prediction.review</c>) and set an endpoint's review settings (<c>endpoint.review-settings</c>); viewers read
/// the reviews, the settings, the override counts and the review queue.
/// </summary>
public static class ReviewsApi
{
    /// <summary>Maps the review routes.</summary>
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/endpoints/{name}").WithTags("Reviews").RequireAuthorization(FerryPolicies.Viewer);
        group.MapPost("/predictions/{id:guid}/review", ReviewAsync).RequireAuthorization(FerryPolicies.Approver)
            .Accepts<ReviewRequest>("application/json")
            .Produces<ReviewView>(StatusCodes.Status201Created)
            .WithName("ReviewPrediction")
            .WithSummary("Records a human decision on a logged prediction: {\"action\": \"confirm\"|\"override\"|\"escalate\", \"outcome\" (override only), \"reason\"}.");
        group.MapGet("/predictions/{id:guid}/reviews", ListAsync).Produces<ReviewListView>().WithName("ListPredictionReviews")
            .WithSummary("Every review of a logged prediction, oldest first.");
        group.MapGet("/oversight", GetOversightAsync).Produces<EndpointOversight>().WithName("GetEndpointOversight")
            .WithSummary("The endpoint's human-oversight settings: suspension, subject field, retention, review band, override-rate limit.");
        group.MapPut("/review-settings", SetReviewSettingsAsync).RequireAuthorization(FerryPolicies.Approver)
            .Accepts<ReviewSettingsRequest>("application/json")
            .Produces<EndpointOversight>()
            .WithName("SetEndpointReviewSettings")
            .WithSummary("Sets the review settings: {\"overridesAsGroundTruth\", \"reviewScoreClass\", \"reviewBandLow\", \"reviewBandHigh\", \"overrideRateLimit\"}; absent fields are cleared.");
        group.MapGet("/overrides", OverridesAsync).Produces<OverridesView>().WithName("GetEndpointOverrides")
            .WithSummary("Per model version: predictions served in [from, to), how many were reviewed and overridden, and the override rate.");
        group.MapGet("/review-queue", QueueAsync).Produces<ReviewQueueView>().WithName("GetReviewQueue")
            .WithSummary("Unreviewed predictions whose probability for the review class lies in the endpoint's review band, oldest first.");
        return routes;
    }

    /// <summary>Records a review.</summary>
    public static async Task<IResult> ReviewAsync(string name, Guid id, HttpRequest request, ReviewService service, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var body = await RequestJson.DeserializeAsync(request, ReviewsJsonContext.Default.ReviewRequest, cancellationToken)
            ?? throw new ValidationException("$", "the body must be a JSON object: {\"action\", \"outcome\", \"reason\"}");
        var stored = await service.ReviewAsync(name, id, body.Action, body.Outcome, body.Reason, user.ActorName(), cancellationToken);
        return TypedResults.Json(ReviewRules.View(stored), ReviewsJsonContext.Default.ReviewView, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Every review of a prediction.</summary>
    public static async Task<IResult> ListAsync(string name, Guid id, IPredictionStore predictions, IPredictionReviewStore reviews, PredictionLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(log);
        _ = await log.AfterQueuedWrittenAsync(ct => predictions.FindAsync(name, id, ct), cancellationToken)
            ?? throw new NotFoundException($"endpoint '{name}' has no logged prediction {id} (or retention removed it)");
        var list = await reviews.ListAsync(id, cancellationToken);
        return TypedResults.Json(new ReviewListView([.. list.Select(ReviewRules.View)]), ReviewsJsonContext.Default.ReviewListView);
    }

    /// <summary>The endpoint's oversight settings.</summary>
    public static async Task<IResult> GetOversightAsync(string name, IEndpointOversightStore oversight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(oversight);
        var settings = await oversight.GetAsync(name, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{name}'.");
        return TypedResults.Json(settings, ReviewsJsonContext.Default.EndpointOversight);
    }

    /// <summary>Replaces the review settings.</summary>
    public static async Task<IResult> SetReviewSettingsAsync(
        string name,
        HttpRequest request,
        IEndpointOversightStore oversight,
        PolicyCache policies,
        OverrideRateCheck overrideRate,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(oversight);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(overrideRate);
        var body = await RequestJson.DeserializeAsync(request, ReviewsJsonContext.Default.ReviewSettingsRequest, cancellationToken)
            ?? throw new ValidationException("$", "the body must be a JSON object");
        ReviewRules.CheckSettings(body);
        var actor = user.ActorName();
        var settings = await oversight.UpdateAsync(name, "endpoint.review-settings", o =>
        {
            o.OverridesAsGroundTruth = body.OverridesAsGroundTruth ?? false;
            o.ReviewScoreClass = string.IsNullOrEmpty(body.ReviewScoreClass) ? null : body.ReviewScoreClass;
            o.ReviewBandLow = body.ReviewBandLow;
            o.ReviewBandHigh = body.ReviewBandHigh;
            o.OverrideRateLimit = body.OverrideRateLimit;
        }, actor, cancellationToken);
        await policies.RefreshAsync(name, cancellationToken);
        await overrideRate.EvaluateAsync(name, actor, cancellationToken);
        return TypedResults.Json(settings, ReviewsJsonContext.Default.EndpointOversight);
    }

    /// <summary>Override counts per version.</summary>
    public static async Task<IResult> OverridesAsync(
        string name,
        DateTimeOffset? from,
        DateTimeOffset? to,
        IEndpointOversightStore oversight,
        IPredictionReviewStore reviews,
        IOptions<OverrideRateOptions> options,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(oversight);
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var settings = await oversight.GetAsync(name, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{name}'.");
        var end = to ?? clock.GetUtcNow();
        var window = options.Value.OverrideRateWindow;
        var start = from ?? (end - DateTimeOffset.MinValue > window ? end - window : DateTimeOffset.MinValue);
        if (end <= start)
        {
            throw new ValidationException("to", "must be later than 'from'");
        }

        var counts = await reviews.CountAsync(name, start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), cancellationToken);
        var versions = counts.Select(c => new OverrideCountsView(c.ModelName, c.ModelVersion, c.Predictions, c.Reviewed, c.Overridden, c.OverrideRate)).ToList();
        return TypedResults.Json(new OverridesView(name, start, end, settings.OverrideRateLimit, versions), ReviewsJsonContext.Default.OverridesView);
    }

    /// <summary>The review queue.</summary>
    public static async Task<IResult> QueueAsync(
        string name,
        int? limit,
        DateTimeOffset? from,
        DateTimeOffset? to,
        IEndpointOversightStore oversight,
        IPredictionStore predictions,
        IPredictionReviewStore reviews,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(oversight);
        ArgumentNullException.ThrowIfNull(clock);
        var settings = await oversight.GetAsync(name, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{name}'.");
        var size = limit ?? 100;
        if (size is < 1 or > PredictionQuery.MaxLimit)
        {
            throw new ValidationException("limit", $"must be between 1 and {PredictionQuery.MaxLimit}");
        }

        var start = from ?? clock.GetUtcNow() - ReviewQueueReader.DefaultWindow;
        if (to is { } t && t <= start)
        {
            throw new ValidationException("to", "must be later than 'from'");
        }

        var queue = await ReviewQueueReader.ReadAsync(settings, predictions, reviews, start.ToUnixTimeMilliseconds(), to?.ToUnixTimeMilliseconds(), size, ReviewQueueReader.MaxScan, cancellationToken);
        return TypedResults.Json(queue, ReviewsJsonContext.Default.ReviewQueueView);
    }
}
