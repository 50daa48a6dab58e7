using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Serving;

namespace Ferry.Server.Oversight;

/// <summary>
/// Records a review the one way the API and the dashboard share: checks it (<see cref="ReviewRules"/>), stores it
/// (<c>prediction.review</c>), counts it, writes an override as feedback when the endpoint takes overrides as ground
/// truth, and runs the endpoint's override-rate check.
/// </summary>
public sealed class ReviewService(
    IPredictionStore predictions,
    IPredictionReviewStore reviews,
    IEndpointOversightStore oversight,
    IFeedbackStore feedback,
    PredictionLog log,
    ReviewMetrics metrics,
    OverrideRateCheck overrideRate)
{
    /// <summary>Records a review by <paramref name="actor"/> and returns it as stored.</summary>
    /// <exception cref="ValidationException">The review breaks a rule; the message names the field and why.</exception>
    /// <exception cref="NotFoundException">The endpoint has no such logged prediction.</exception>
    public async Task<PredictionReview> ReviewAsync(string endpoint, Guid id, string? action, JsonElement? outcome, string? reason, string actor, CancellationToken cancellationToken)
    {
        var parsed = ReviewRules.ParseAction(action);
        var why = ReviewRules.Reason(reason);
        var found = await log.AfterQueuedWrittenAsync(ct => predictions.FindAsync(endpoint, id, ct), cancellationToken)
            ?? throw new NotFoundException($"endpoint '{endpoint}' has no logged prediction {id} (or retention removed it)");
        var human = ReviewRules.Outcome(parsed, outcome, found.Prediction.OutputsJson);
        var stored = await reviews.AddAsync(new PredictionReview
        {
            PredictionId = id,
            EndpointName = endpoint,
            ModelName = found.Prediction.ModelName,
            Action = parsed,
            Outcome = human,
            Reason = why,
            Actor = actor,
        }, cancellationToken);
        metrics.Reviewed(endpoint, stored.ModelVersion, ReviewRules.Name(parsed));

        if (parsed == ReviewAction.Override && human is not null
            && (await oversight.GetAsync(endpoint, cancellationToken))?.OverridesAsGroundTruth == true)
        {
            await feedback.IngestAsync(endpoint, [ReviewRules.Feedback(id, human, found.Prediction.OutputsJson)], actor, cancellationToken);
        }

        await overrideRate.EvaluateAsync(endpoint, actor, cancellationToken);
        return stored;
    }
}
