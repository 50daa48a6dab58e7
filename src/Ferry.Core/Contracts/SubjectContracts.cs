using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Core.Contracts;

/// <summary>A data subject's key, sent in a request body (never in a URL): <c>{"key": "A-1042"}</c>.</summary>
/// <param name="Key">The subject key as the endpoint's callers send it in the subject field.</param>
public sealed record SubjectKeyRequest(string? Key);

/// <summary>Sets an endpoint's subject field: <c>{"field": "applicant_id"}</c>, or <c>{"field": null}</c> to stop hashing keys.</summary>
/// <param name="Field">The input field that carries the data subject's key, or null.</param>
public sealed record SubjectFieldRequest(string? Field);

/// <summary>An endpoint's subject field.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Field">The input field whose value is stored as a keyed hash, or null.</param>
public sealed record SubjectFieldView(string Endpoint, string? Field);

/// <summary>One reason code kept after the inputs were erased (no input values).</summary>
/// <param name="Rank">1 = the strongest.</param>
/// <param name="Feature">The feature.</param>
/// <param name="Contribution">How much it raised the adverse outcome.</param>
public sealed record ErasedReasonView(int Rank, string Feature, double Contribution);

/// <summary>A human review of a subject's decision.</summary>
/// <param name="Action">confirm, override or escalate.</param>
/// <param name="Outcome">The human's outcome, for an override.</param>
/// <param name="Reason">Why.</param>
/// <param name="Actor">Who.</param>
/// <param name="CreatedAt">When.</param>
public sealed record SubjectReviewView(string Action, string? Outcome, string Reason, string Actor, DateTimeOffset CreatedAt);

/// <summary>Ground truth of a subject's decision.</summary>
/// <param name="Label">The true class.</param>
/// <param name="Value">The true value.</param>
/// <param name="ReceivedAt">When it arrived.</param>
public sealed record SubjectFeedbackView(string? Label, double? Value, DateTimeOffset ReceivedAt);

/// <summary>One decision about a data subject.</summary>
/// <param name="Id">The prediction id.</param>
/// <param name="Endpoint">The endpoint that served it.</param>
/// <param name="Timestamp">When.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="Version">Its version.</param>
/// <param name="Inputs">The inputs as logged; null once erased.</param>
/// <param name="Output">The answer.</param>
/// <param name="ErasedAt">When the inputs were erased, or null.</param>
/// <param name="InputDigest">The SHA-256 of the erased inputs, once erased.</param>
/// <param name="Explanation">The explanation with reason codes, while the inputs are held.</param>
/// <param name="ErasedReasons">The reason codes kept at erasure (no values), once erased.</param>
/// <param name="ExplanationError">Why there is no explanation, when there is none.</param>
/// <param name="Feedback">Ground truth, when any arrived (removed at erasure).</param>
/// <param name="Reviews">Human reviews, oldest first.</param>
public sealed record SubjectDecisionView(
    Guid Id,
    string Endpoint,
    DateTimeOffset Timestamp,
    string Model,
    int Version,
    JsonElement? Inputs,
    JsonElement Output,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ErasedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InputDigest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ExplanationView? Explanation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ErasedReasonView>? ErasedReasons,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExplanationError,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SubjectFeedbackView? Feedback,
    IReadOnlyList<SubjectReviewView> Reviews);

/// <summary>Every decision about a data subject across endpoints (GDPR Art. 15).</summary>
/// <param name="SubjectHash">The keyed hash the decisions were found by (the key is not echoed).</param>
/// <param name="Decisions">The decisions, oldest first.</param>
/// <param name="Truncated">True when there were more than could be listed in one export.</param>
public sealed record SubjectExportView(string SubjectHash, IReadOnlyList<SubjectDecisionView> Decisions, bool Truncated);

/// <summary>What an erasure did (GDPR Art. 17).</summary>
/// <param name="SubjectHash">The subject's keyed hash.</param>
/// <param name="Decisions">The subject's decisions found.</param>
/// <param name="Erased">Decisions whose inputs were erased now.</param>
/// <param name="AlreadyErased">Decisions erased before.</param>
/// <param name="Feedback">Ground-truth rows removed.</param>
/// <param name="ProfileBuckets">Monitoring profile buckets redacted.</param>
/// <param name="ProfileBucketsRemoved">Monitoring profile buckets removed (they held only the subject's rows).</param>
public sealed record SubjectErasureView(string SubjectHash, int Decisions, int Erased, int AlreadyErased, int Feedback, int ProfileBuckets, int ProfileBucketsRemoved);
