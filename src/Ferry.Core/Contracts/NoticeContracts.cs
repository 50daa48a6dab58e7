using System.Text.Json.Serialization;

namespace Ferry.Core.Contracts;

/// <summary>
/// A decision notice (EU AI Act Art. 86): what was decided about one logged prediction, the main factors in plain
/// language, whether a person reviewed it and how to contest it. JSON of
/// <c>GET /api/v1/endpoints/{name}/predictions/{id}/notice</c>; the HTML page says the same.
/// </summary>
/// <param name="Endpoint">The endpoint that served the prediction.</param>
/// <param name="PredictionId">The prediction (the reference a person quotes when contesting).</param>
/// <param name="ServedAt">When it was served.</param>
/// <param name="Model">The model that answered (for a fallback answer: the endpoint's model is not named, this is the logged name).</param>
/// <param name="Version">The version that answered; 0 for a fallback answer given while the endpoint was suspended.</param>
/// <param name="Kind"><c>model</c> (a model's score), <c>fallback</c> (referred to a person while suspended) or <c>erased</c> (the inputs were erased).</param>
/// <param name="Decision">The automated decision.</param>
/// <param name="Factors">The main factors, strongest first (the explanation's rank order); empty when none can be given.</param>
/// <param name="FactorsNote">Why there are no factors, or what the factors' numbers are.</param>
/// <param name="Review">The latest human review, when there is one.</param>
/// <param name="Reviews">Every review, oldest first.</param>
/// <param name="FinalDecision">The decision that stands: the reviewer's outcome after an override, else the automated one.</param>
/// <param name="Contest">How to contest the decision (the model card's <c>contest</c> text, or the default).</param>
/// <param name="InputsErasedAt">When the personal inputs were erased, when they were.</param>
public sealed record DecisionNoticeView(
    string Endpoint,
    Guid PredictionId,
    DateTimeOffset ServedAt,
    string Model,
    int Version,
    string Kind,
    NoticeDecisionView Decision,
    IReadOnlyList<NoticeFactorView> Factors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FactorsNote,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NoticeReviewView? Review,
    IReadOnlyList<NoticeReviewView> Reviews,
    string FinalDecision,
    string Contest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? InputsErasedAt);

/// <summary>The automated decision of a notice.</summary>
/// <param name="Text">The decision in words (e.g. "refused", or the class label's name).</param>
/// <param name="Statement">One sentence saying how it was reached (score against the threshold, predicted class...).</param>
/// <param name="Label">The class label the model gave, when it gave one.</param>
/// <param name="Score">The model's score (the positive class's probability for binary classifiers), when it gave one.</param>
/// <param name="Threshold">The model card's decision threshold, when it has one.</param>
/// <param name="ExplainedClass">
/// The class whose score the factors' contributions move (binary classifiers: the positive class; multiclass: the
/// decided class); null for regressors and fallback answers.
/// </param>
/// <param name="DecidedClassIsExplained">
/// Whether the decision is for <paramref name="ExplainedClass"/> (a binary classifier's negative decision is not: a
/// factor that raised the positive class's score counted against it).
/// </param>
public sealed record NoticeDecisionView(
    string Text,
    string Statement,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Label,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Score,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Threshold,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExplainedClass,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? DecidedClassIsExplained);

/// <summary>
/// One factor of a decision, worded from its SHAP value: <c>direction</c> is <c>raised</c> when the contribution is
/// positive (it moved <see cref="NoticeDecisionView.ExplainedClass"/>'s score up) and <c>lowered</c> when negative;
/// <c>effect</c> is <c>in favour of</c> the decision when the factor moved the score toward the decided class, else
/// <c>against</c> (absent for regressors).
/// </summary>
/// <param name="Rank">1 for the factor with the largest absolute contribution.</param>
/// <param name="Feature">The input field.</param>
/// <param name="Value">Its value in the case.</param>
/// <param name="TypicalValue">Its typical value in the reference data (median or most frequent).</param>
/// <param name="Contribution">The SHAP value, in the explanation's space (signed).</param>
/// <param name="Direction"><c>raised</c> or <c>lowered</c>.</param>
/// <param name="Effect"><c>in favour of</c> or <c>against</c> the decision, or null for regressors.</param>
/// <param name="Sentence">The factor in plain words.</param>
public sealed record NoticeFactorView(
    int Rank,
    string Feature,
    object? Value,
    object? TypicalValue,
    double Contribution,
    string Direction,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Effect,
    string Sentence);

/// <summary>A human review as a notice states it.</summary>
/// <param name="Action"><c>confirm</c>, <c>override</c> or <c>escalate</c>.</param>
/// <param name="Outcome">The reviewer's outcome for an override, in words.</param>
/// <param name="Reason">The reviewer's reason.</param>
/// <param name="Reviewer">Who reviewed.</param>
/// <param name="At">When.</param>
/// <param name="Statement">One sentence for the affected person.</param>
public sealed record NoticeReviewView(
    string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Outcome,
    string Reason,
    string Reviewer,
    DateTimeOffset At,
    string Statement);
