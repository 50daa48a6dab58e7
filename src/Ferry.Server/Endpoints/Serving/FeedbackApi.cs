using System.Security.Claims;
using Ferry.Core.Errors;
using Ferry.Server.Identity;
using Ferry.Server.Serving;
using Ferry.Storage.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// Ground truth for served predictions (<c>POST /api/v1/endpoints/{name}/feedback</c>, scientist or above): JSON,
/// JSON lines or CSV, up to 100,000 items a request, any time after the prediction (days late is fine). All or
/// nothing per request; a later feedback for a prediction replaces the earlier one.
/// </summary>
/// <remarks>
/// Feedback may come right after its prediction, while the prediction log still holds the record in memory: when
/// some ids are unknown and the log holds records queued before this request, the request waits (up to
/// <see cref="LogWait"/>) for those to be written and tries once more before refusing.
/// </remarks>
public static class FeedbackApi
{
    /// <summary>The longest a request waits for predictions queued before it to reach the database.</summary>
    public static readonly TimeSpan LogWait = TimeSpan.FromSeconds(5);

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
        FeedbackStore store,
        PredictionLog log,
        PredictionLogMetrics metrics,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(metrics);
        var queuedBefore = log.Published;
        var items = await FeedbackBodyReader.ReadAsync(request, cancellationToken);
        int accepted;
        try
        {
            accepted = await store.IngestAsync(name, items, user.ActorName(), cancellationToken);
        }
        catch (Exception e) when (e is ValidationException or NotFoundException && log.Written < queuedBefore)
        {
            // Some ids may be predictions answered moments ago and not yet written: wait for them, then once more.
            if (!await log.WaitUntilWrittenAsync(queuedBefore, LogWait, cancellationToken))
            {
                throw;
            }

            accepted = await store.IngestAsync(name, items, user.ActorName(), cancellationToken);
        }

        metrics.FeedbackReceived(accepted);
        return TypedResults.Json(new FeedbackResponse(accepted), PredictionLogJsonContext.Default.FeedbackResponse);
    }
}
