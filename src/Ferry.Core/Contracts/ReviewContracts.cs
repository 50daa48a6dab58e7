using System.Text.Json;

namespace Ferry.Core.Contracts;

/// <summary>
/// The body of <c>POST /api/v1/endpoints/{name}/predictions/{id}/review</c>: what a human did with a logged decision.
/// </summary>
/// <param name="Action"><c>confirm</c>, <c>override</c> or <c>escalate</c>.</param>
/// <param name="Outcome">The human's outcome (a class label as a JSON string or number, or a number for a regressor); only with <c>override</c>, where it is required.</param>
/// <param name="Reason">Why, in the reviewer's words (required, at most 2,000 characters).</param>
public sealed record ReviewRequest(string? Action, JsonElement? Outcome, string? Reason);

/// <summary>A stored review.</summary>
/// <param name="Id">The review's id.</param>
/// <param name="PredictionId">The reviewed prediction.</param>
/// <param name="Endpoint">The endpoint that served it.</param>
/// <param name="ModelName">The model that answered.</param>
/// <param name="ModelVersion">The version that answered.</param>
/// <param name="Action"><c>confirm</c>, <c>override</c> or <c>escalate</c>.</param>
/// <param name="Outcome">The human's outcome (overrides only), as text.</param>
/// <param name="Reason">Why.</param>
/// <param name="Actor">Who reviewed.</param>
/// <param name="CreatedAt">When.</param>
public sealed record ReviewView(
    Guid Id,
    Guid PredictionId,
    string Endpoint,
    string ModelName,
    int ModelVersion,
    string Action,
    string? Outcome,
    string Reason,
    string Actor,
    DateTimeOffset CreatedAt);

/// <summary>Every review of one prediction, oldest first.</summary>
/// <param name="Reviews">The reviews.</param>
public sealed record ReviewListView(IReadOnlyList<ReviewView> Reviews);

/// <summary>
/// The body of <c>PUT /api/v1/endpoints/{name}/review-settings</c>. Every field is replaced; an absent one is cleared
/// (false or null).
/// </summary>
/// <param name="OverridesAsGroundTruth">Store each override's outcome as the prediction's feedback.</param>
/// <param name="ReviewScoreClass">The class whose probability places a prediction in the review queue (null: the positive class).</param>
/// <param name="ReviewBandLow">The queue's lower bound on that probability, 0..1 (null with <paramref name="ReviewBandHigh"/>: no queue).</param>
/// <param name="ReviewBandHigh">The queue's upper bound, <paramref name="ReviewBandLow"/>..1.</param>
/// <param name="OverrideRateLimit">The largest override rate before the <c>override-rate</c> alert opens, in (0, 1] (null: no check).</param>
public sealed record ReviewSettingsRequest(
    bool? OverridesAsGroundTruth,
    string? ReviewScoreClass,
    double? ReviewBandLow,
    double? ReviewBandHigh,
    double? OverrideRateLimit);

/// <summary>Reviews and overrides of one model version over a window.</summary>
/// <param name="ModelName">Model.</param>
/// <param name="ModelVersion">Version.</param>
/// <param name="Predictions">Predictions the version served in the window.</param>
/// <param name="Reviewed">Of those, how many were reviewed.</param>
/// <param name="Overridden">Of those, how many have an override as their latest review.</param>
/// <param name="OverrideRate">Overridden over reviewed (null when nothing was reviewed).</param>
public sealed record OverrideCountsView(string ModelName, int ModelVersion, long Predictions, long Reviewed, long Overridden, double? OverrideRate);

/// <summary>An endpoint's override counts per version over [from, to).</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="From">Window start (predictions served at or after).</param>
/// <param name="To">Window end (served before).</param>
/// <param name="OverrideRateLimit">The endpoint's limit, when set.</param>
/// <param name="Versions">Per model version.</param>
public sealed record OverridesView(string Endpoint, DateTimeOffset From, DateTimeOffset To, double? OverrideRateLimit, IReadOnlyList<OverrideCountsView> Versions);

/// <summary>A prediction waiting for review: its score for the queue's class lies in the band.</summary>
/// <param name="Id">The prediction id.</param>
/// <param name="ModelName">The model that answered.</param>
/// <param name="ModelVersion">The version that answered.</param>
/// <param name="Timestamp">When it was served.</param>
/// <param name="Label">The model's label, when it gave one.</param>
/// <param name="Score">The probability of the queue's class (or the score of a model without probabilities).</param>
public sealed record QueuedPredictionView(Guid Id, string ModelName, int ModelVersion, DateTimeOffset Timestamp, string? Label, double Score);

/// <summary>The review queue: unreviewed predictions whose score lies in [low, high], oldest first.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="ScoreClass">The class whose probability was compared (null when the model gave a score, not probabilities).</param>
/// <param name="BandLow">The band's lower bound.</param>
/// <param name="BandHigh">The band's upper bound.</param>
/// <param name="Scanned">Predictions looked at.</param>
/// <param name="Truncated">True when the scan stopped at its bound before the window's end (narrow the window with from/to).</param>
/// <param name="Predictions">The queue.</param>
public sealed record ReviewQueueView(
    string Endpoint,
    string? ScoreClass,
    double BandLow,
    double BandHigh,
    int Scanned,
    bool Truncated,
    IReadOnlyList<QueuedPredictionView> Predictions);
