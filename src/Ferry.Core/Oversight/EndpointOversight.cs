namespace Ferry.Core.Oversight;

/// <summary>
/// An endpoint's human-oversight settings (one row per endpoint; an endpoint without a row has the defaults):
/// suspension and its fallback answer, the subject-key field, prediction retention, the review queue's band and the
/// override-rate limit. Every change is audited. Times are epoch ms.
/// </summary>
public sealed class EndpointOversight
{
    /// <summary>The fallback answer when none is configured: refer every case to a human.</summary>
    public const string DefaultFallbackJson = """{"outcome":"refer","reason":"suspended"}""";

    /// <summary>The endpoint.</summary>
    public required string EndpointName { get; set; }

    /// <summary>True while an approver has stopped the model: the endpoint answers <see cref="FallbackJson"/> instead of a score.</summary>
    public bool Suspended { get; set; }

    /// <summary>When it was suspended.</summary>
    public long? SuspendedAt { get; set; }

    /// <summary>Who suspended it.</summary>
    public string? SuspendedBy { get; set; }

    /// <summary>Why it was suspended.</summary>
    public string? SuspendReason { get; set; }

    /// <summary>The answer given per record while suspended, a JSON object (null: <see cref="DefaultFallbackJson"/>).</summary>
    public string? FallbackJson { get; set; }

    /// <summary>
    /// The input field that names the data subject (e.g. an applicant id), or null. Its value is stored only as a keyed
    /// hash (<see cref="Ferry.Core.Serving.PredictionRecord.SubjectHash"/>).
    /// </summary>
    public string? SubjectField { get; set; }

    /// <summary>How many days this endpoint's predictions are kept (null: the server's default retention).</summary>
    public int? RetentionDays { get; set; }

    /// <summary>When true, an override's outcome is stored as the prediction's ground truth (feedback).</summary>
    public bool OverridesAsGroundTruth { get; set; }

    /// <summary>The class whose probability places a prediction in the review queue (null: the positive class).</summary>
    public string? ReviewScoreClass { get; set; }

    /// <summary>The review band's lower bound on that probability (null: no queue).</summary>
    public double? ReviewBandLow { get; set; }

    /// <summary>The review band's upper bound on that probability.</summary>
    public double? ReviewBandHigh { get; set; }

    /// <summary>The largest override rate (overridden / reviewed) before an alert opens (null: no check).</summary>
    public double? OverrideRateLimit { get; set; }

    /// <summary>Who last changed these settings.</summary>
    public string UpdatedBy { get; set; } = string.Empty;

    /// <summary>When, epoch ms.</summary>
    public long UpdatedAt { get; set; }

    /// <summary>The defaults of an endpoint that has no settings row.</summary>
    public static EndpointOversight Defaults(string endpointName) => new() { EndpointName = endpointName };

    /// <summary>A copy, so a cached value is never changed in place.</summary>
    public EndpointOversight Clone() => (EndpointOversight)MemberwiseClone();
}

/// <summary>Port: endpoints' oversight settings; each change is one audit event in the same transaction.</summary>
public interface IEndpointOversightStore
{
    /// <summary>The endpoint's settings (the defaults when it has no row), or null for an unknown endpoint.</summary>
    Task<EndpointOversight?> GetAsync(string endpointName, CancellationToken cancellationToken = default);

    /// <summary>Every endpoint's stored settings (endpoints with defaults are left out).</summary>
    Task<IReadOnlyList<EndpointOversight>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="change"/> to the endpoint's settings (created from the defaults when missing), stamps who
    /// and when, and records <paramref name="auditAction"/> (e.g. <c>endpoint.suspend</c>) with the before and after
    /// settings, all in one transaction. Returns the new settings.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">The endpoint does not exist.</exception>
    Task<EndpointOversight> UpdateAsync(string endpointName, string auditAction, Action<EndpointOversight> change, string actor, CancellationToken cancellationToken = default);
}
