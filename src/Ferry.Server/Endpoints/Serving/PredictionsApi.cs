using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Identity;
using Ferry.Server.Oversight;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>The prediction log, read back (<c>/api/v1/endpoints/{name}/predictions</c>, viewer or above).</summary>
public static class PredictionsApi
{
    /// <summary>Maps the prediction routes.</summary>
    public static IEndpointRouteBuilder MapPredictionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/endpoints/{name}/predictions").WithTags("Predictions").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("/", ListAsync).WithName("ListPredictions")
            .WithSummary("Logged predictions of an endpoint in time order, filtered by time ([from, to)), paged with 'after'.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetPrediction")
            .WithSummary("One logged prediction: inputs, outputs, version, time, latency, shadow outputs, feedback and its latest review.");
        return routes;
    }

    /// <summary>One prediction.</summary>
    public static async Task<IResult> GetAsync(string name, Guid id, IPredictionStore store, IPredictionReviewStore reviews, PredictionLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(log);
        var found = await log.AfterQueuedWrittenAsync(async ct => await store.FindAsync(name, id, ct)
            ?? throw new NotFoundException($"endpoint '{name}' has no logged prediction {id} (or retention removed it)"), cancellationToken);
        var all = await reviews.ListAsync(id, cancellationToken);
        var latest = all.Count > 0 ? all[^1] : null;
        return TypedResults.Json(ToView(found) with { Review = latest is null ? null : ReviewRules.View(latest) }, PredictionLogJsonContext.Default.PredictionView);
    }

    /// <summary>A page of predictions.</summary>
    public static async Task<IResult> ListAsync(
        string name,
        DateTimeOffset? from,
        DateTimeOffset? to,
        int? limit,
        Guid? after,
        IPredictionStore store,
        IPredictionReviewStore reviews,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reviews);
        var size = limit ?? 100;
        if (size is < 1 or > PredictionQuery.MaxLimit)
        {
            throw new ValidationException("limit", $"must be between 1 and {PredictionQuery.MaxLimit}");
        }

        if (from is { } f && to is { } t && t <= f)
        {
            throw new ValidationException("to", "must be later than 'from'");
        }

        var page = await store.ListAsync(new PredictionQuery
        {
            EndpointName = name,
            From = from?.ToUnixTimeMilliseconds(),
            To = to?.ToUnixTimeMilliseconds(),
            After = after,
            Limit = size,
        }, cancellationToken);
        Guid? next = page.Count == size ? page[^1].Prediction.Id : null;

        // Each prediction's latest review: reviews come after their prediction, so those since the page's first one.
        var latest = new Dictionary<Guid, PredictionReview>();
        if (page.Count > 0)
        {
            var ids = page.Select(r => r.Prediction.Id).ToHashSet();
            foreach (var review in await reviews.ListAsync(name, page[0].Prediction.Timestamp, long.MaxValue, cancellationToken))
            {
                if (ids.Contains(review.PredictionId))
                {
                    latest[review.PredictionId] = review;
                }
            }
        }

        var views = page.Select(r => ToView(r) with { Review = latest.TryGetValue(r.Prediction.Id, out var review) ? ReviewRules.View(review) : null });
        return TypedResults.Json(new PredictionList([.. views], next), PredictionLogJsonContext.Default.PredictionList);
    }

    private static PredictionView ToView(PredictionWithFeedback row)
    {
        var p = row.Prediction;
        return new PredictionView(
            p.Id,
            p.EndpointName,
            p.ModelName,
            p.ModelVersion,
            DateTimeOffset.FromUnixTimeMilliseconds(p.Timestamp),
            p.LatencyMicros,
            Parse(p.InputsJson),
            Parse(p.OutputsJson),
            p.ShadowOutputsJson is { } shadow ? Parse(shadow) : null,
            row.Feedback is { } fb ? ToView(fb) : null,
            InputsErasedAt: p.ErasedAt is { } erased ? DateTimeOffset.FromUnixTimeMilliseconds(erased) : null);
    }

    private static FeedbackView ToView(PredictionFeedback feedback) =>
        new(feedback.Label, feedback.Value, DateTimeOffset.FromUnixTimeMilliseconds(feedback.ReceivedAt));

    // A stored value that is not valid JSON is shown as a string rather than failing the read.
    private static JsonElement Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json, PredictionLogJsonContext.Default.String);
        }
    }
}
