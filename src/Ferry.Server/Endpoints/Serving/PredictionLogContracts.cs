using System.Text.Json;
using Ferry.Core.Contracts;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>A JSON feedback body: <c>{"feedback": [{"predictionId": "…", "label": "1"} | {"predictionId": "…", "value": 3.2}, …]}</c>.</summary>
/// <param name="Feedback">The items.</param>
public sealed record FeedbackRequest(IReadOnlyList<FeedbackItemRequest>? Feedback);

/// <summary>One item of ground truth as sent: a label (string, number or boolean) or a numeric value.</summary>
/// <param name="PredictionId">The prediction id the endpoint returned.</param>
/// <param name="Label">The true class, for classifiers.</param>
/// <param name="Value">The true value, for regressors.</param>
public sealed record FeedbackItemRequest(string? PredictionId, JsonElement? Label, double? Value);

/// <summary>How many feedback records were stored.</summary>
/// <param name="Accepted">Predictions that got feedback (an id repeated in one request counts once; the last one wins).</param>
public sealed record FeedbackResponse(int Accepted);

/// <summary>A logged prediction as the API shows it.</summary>
/// <param name="Id">The prediction id.</param>
/// <param name="Endpoint">The endpoint that served it.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="Version">The version that answered.</param>
/// <param name="Timestamp">When it was served.</param>
/// <param name="LatencyMicros">Server-side latency of its request, in microseconds.</param>
/// <param name="Inputs">The record's inputs.</param>
/// <param name="Outputs">The answer.</param>
/// <param name="ShadowOutputs">Shadow answers keyed by <c>model:version</c>, when shadows ran.</param>
/// <param name="Feedback">Ground truth, when it arrived.</param>
/// <param name="Review">The latest human review (confirm, override or escalate), when there is one.</param>
/// <param name="InputsErasedAt">When the inputs were erased at the data subject's request (then <paramref name="Inputs"/> is <c>{}</c>); absent otherwise.</param>
public sealed record PredictionView(
    Guid Id,
    string Endpoint,
    string Model,
    int Version,
    DateTimeOffset Timestamp,
    long LatencyMicros,
    JsonElement Inputs,
    JsonElement Outputs,
    JsonElement? ShadowOutputs,
    FeedbackView? Feedback,
    ReviewView? Review = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? InputsErasedAt = null);

/// <summary>Ground truth attached to a prediction.</summary>
/// <param name="Label">The true class, for classifiers.</param>
/// <param name="Value">The true value, for regressors.</param>
/// <param name="ReceivedAt">When it arrived (the latest, if it was replaced).</param>
public sealed record FeedbackView(string? Label, double? Value, DateTimeOffset ReceivedAt);

/// <summary>A page of predictions.</summary>
/// <param name="Predictions">The page, oldest first.</param>
/// <param name="NextAfter">Pass as <c>after</c> for the next page; null on the last page.</param>
public sealed record PredictionList(IReadOnlyList<PredictionView> Predictions, Guid? NextAfter);
