using System.Security.Claims;
using Ferry.Core.Serving;
using Ferry.Server.Identity;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// Ground truth for served predictions (<c>POST /api/v1/endpoints/{name}/feedback</c>, scientist or above): JSON,
/// JSON lines or CSV, up to 100,000 items a request, any time after the prediction (days late is fine). All or
/// nothing per request; a later feedback for a prediction replaces the earlier one.
/// </summary>
/// <remarks>
/// Feedback may come right after its prediction, while the prediction log still holds the record in memory: see
/// <see cref="PredictionLog.AfterQueuedWrittenAsync"/>.
/// </remarks>
public static class FeedbackApi
{
    /// <summary>Maps the feedback route.</summary>
    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/endpoints").WithTags("Predictions")
            .MapPost("/{name}/feedback", PostAsync)
            .RequireAuthorization(FerryPolicies.Scientist)
            .Accepts<FeedbackRequest>("application/json", "application/x-ndjson", "text/csv")
            .Produces<FeedbackResponse>()
            .WithName("PostFeedback")
            .WithSummary("Attaches ground truth (label or value) to prediction ids; JSON {\"feedback\":[…]}, JSON lines, or CSV prediction_id,label|value.");
        return routes;
    }

    /// <summary>Stores a body of feedback for the endpoint's predictions.</summary>
    public static async Task<IResult> PostAsync(
        string name,
        HttpRequest request,
        IFeedbackStore store,
        PredictionLog log,
        PredictionLogMetrics metrics,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(metrics);
        var items = await FeedbackBodyReader.ReadAsync(request, cancellationToken);
        var accepted = await log.AfterQueuedWrittenAsync(ct => store.IngestAsync(name, items, user.ActorName(), ct), cancellationToken);
        metrics.FeedbackReceived(accepted);
        return TypedResults.Json(new FeedbackResponse(accepted), PredictionLogJsonContext.Default.FeedbackResponse);
    }
}
