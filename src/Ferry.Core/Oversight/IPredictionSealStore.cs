using System.Text.Json.Serialization;

namespace Ferry.Core.Oversight;

/// <summary>What kind of problem verification found (the <c>kind</c> of <see cref="SealProblem"/>).</summary>
public static class SealProblemKinds
{
    /// <summary>A sealed row's current content no longer gives its sealed leaf.</summary>
    public const string Altered = "altered";

    /// <summary>A sealed row is gone from the log (and no retention expiry covers it).</summary>
    public const string Missing = "missing";

    /// <summary>A row lies in a sealed stretch but is in no seal: inserted after sealing (or written after a seal covering its time).</summary>
    public const string NotSealed = "not-sealed";

    /// <summary>A seal's leaves do not give its digest, or its digest differs from its audit event's.</summary>
    public const string SealAltered = "seal-altered";

    /// <summary>A seal row has no <c>predictions.seal</c> audit event.</summary>
    public const string SealWithoutAudit = "seal-without-audit";

    /// <summary>A <c>predictions.seal</c> audit event's seal row is gone (and no retention expiry covers it).</summary>
    public const string SealMissing = "seal-missing";
}

/// <summary>The first problem verification found.</summary>
/// <param name="Kind">One of <see cref="SealProblemKinds"/>.</param>
/// <param name="PredictionId">The prediction concerned, if the row is a prediction.</param>
/// <param name="ReviewId">The review concerned, if the row is a review.</param>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="At">The row's time (for a missing row or a seal problem: the start of its seal).</param>
/// <param name="Reason">What differs, in words.</param>
public sealed record SealProblem(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? PredictionId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? ReviewId,
    string Endpoint,
    DateTimeOffset At,
    string Reason);

/// <summary>The outcome of re-verifying the prediction log against its seals.</summary>
/// <param name="Valid">True when every seal in range matches the log and the audit chain.</param>
/// <param name="Seals">Seals checked.</param>
/// <param name="PredictionsChecked">Prediction rows recomputed.</param>
/// <param name="ReviewsChecked">Review rows recomputed.</param>
/// <param name="FirstProblem">The first problem, or null.</param>
public sealed record PredictionSealVerification(bool Valid, int Seals, long PredictionsChecked, long ReviewsChecked, SealProblem? FirstProblem);

/// <summary>What one retention pass removed from an endpoint's log.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Before">Everything served (and reviewed) before this time (epoch ms) went: the end of the last expired seal.</param>
/// <param name="Seals">Seal rows removed.</param>
/// <param name="Predictions">Predictions removed.</param>
/// <param name="Reviews">Reviews removed.</param>
/// <param name="Feedback">Feedback rows removed.</param>
public sealed record PredictionExpiry(string Endpoint, long Before, int Seals, int Predictions, int Reviews, int Feedback);

/// <summary>
/// Port: seals over the prediction log (<see cref="PredictionSeal"/>). Sealing a stretch and appending its
/// <c>predictions.seal</c> audit event happen in one transaction; retention removes whole sealed stretches and records
/// <c>predictions.expire</c>.
/// </summary>
public interface IPredictionSealStore
{
    /// <summary>
    /// Seals the endpoint's log from the end of its last seal (or the start of the hour of its first row) up to
    /// <paramref name="upToMs"/> (exclusive), one seal per UTC hour that holds rows; empty hours get none. Returns the new seals.
    /// </summary>
    Task<IReadOnlyList<PredictionSeal>> SealAsync(string endpointName, long upToMs, string actor, CancellationToken cancellationToken = default);

    /// <summary>Endpoints that may need sealing: every endpoint, and every endpoint name that has seals.</summary>
    Task<IReadOnlyList<string>> EndpointNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>The endpoint's seals overlapping [<paramref name="fromMs"/>, <paramref name="toMs"/>), oldest first, without their leaves.</summary>
    Task<IReadOnlyList<PredictionSeal>> ListAsync(string endpointName, long fromMs, long toMs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Recomputes every seal overlapping [<paramref name="fromMs"/>, <paramref name="toMs"/>) (of one endpoint, or all)
    /// from the log and compares it with its leaves and audit event; reports the first altered, missing or unsealed row.
    /// </summary>
    Task<PredictionSealVerification> VerifyAsync(long fromMs, long toMs, string? endpointName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the endpoint's seals that end at or before <paramref name="beforeMs"/>, with every prediction, review and
    /// feedback row they cover, and records <c>predictions.expire</c>; unsealed rows stay. Null when nothing was sealed that long ago.
    /// </summary>
    Task<PredictionExpiry?> ExpireAsync(string endpointName, long beforeMs, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// The end of the endpoint's last seal that ends at or before <paramref name="beforeMs"/>: what
    /// <see cref="ExpireAsync"/> would remove rows before. Null when nothing was sealed that long ago.
    /// </summary>
    Task<long?> ExpirableBeforeAsync(string endpointName, long beforeMs, CancellationToken cancellationToken = default);
}
