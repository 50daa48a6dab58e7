namespace Ferry.Core.Serving;

/// <summary>
/// One served prediction as logged (written off the request path in batches). A prediction id returned to a caller
/// means this row will exist. Times are epoch ms.
/// </summary>
public sealed class PredictionRecord
{
    /// <summary>The id returned to the caller (a version-7 GUID, time-ordered).</summary>
    public Guid Id { get; set; }

    /// <summary>The endpoint that served it.</summary>
    public required string EndpointName { get; set; }

    /// <summary>The model that answered.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version that answered.</summary>
    public int ModelVersion { get; set; }

    /// <summary>When it was served, epoch ms.</summary>
    public long Timestamp { get; set; }

    private string? _inputsText;

    /// <summary>
    /// The record's inputs, as JSON. A record the router logs holds <see cref="Served"/> instead until this is first
    /// read; the text is then written from the served values (what the log stores is those values, typed).
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither this nor <see cref="Served"/> was set.</exception>
    public string InputsJson
    {
        get => _inputsText ??= Served?.InputsJson(ServedRow) ?? throw new InvalidOperationException($"Prediction {Id} has no inputs.");
        set => _inputsText = value;
    }

    /// <summary>The values the request was served with, when the router logged this record (not stored as such).</summary>
    public ServedRows? Served { get; init; }

    /// <summary>This record's row in <see cref="Served"/>.</summary>
    public int ServedRow { get; init; }

    private string? _outputsText;

    /// <summary>
    /// The answer, as JSON. A record the router logs holds <see cref="Answer"/> instead until this is first read; the
    /// text is then written from it (<see cref="ServedJson.Prediction"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither this nor <see cref="Answer"/> was set.</exception>
    public string OutputsJson
    {
        get => _outputsText ??= Answer is { } answer ? ServedJson.Prediction(answer) : throw new InvalidOperationException($"Prediction {Id} has no answer.");
        set => _outputsText = value;
    }

    /// <summary>The model's answer, when the router logged this record (not stored as such).</summary>
    public RowPrediction? Answer { get; init; }

    /// <summary>
    /// Whether <see cref="InputsJson"/> holds a text (set, or already written from <see cref="Served"/>): the log then
    /// stores that text, so a text set on a record that also has served values wins there too.
    /// </summary>
    public bool HasInputsText() => _inputsText is not null;

    /// <summary>Whether <see cref="OutputsJson"/> holds a text (set, or already written from <see cref="Answer"/>).</summary>
    public bool HasOutputsText() => _outputsText is not null;

    /// <summary>Shadow answers keyed by "model:version", as JSON, when shadows ran.</summary>
    public string? ShadowOutputsJson { get; set; }

    /// <summary>Server-side latency of the request that produced it, in microseconds.</summary>
    public long LatencyMicros { get; set; }

    /// <summary>
    /// The keyed hash (lower-case hex HMAC-SHA256) of the data subject's key, when the endpoint names a subject field
    /// (<see cref="Oversight.EndpointOversight.SubjectField"/>); the key itself is never stored.
    /// </summary>
    public string? SubjectHash { get; set; }

    /// <summary>
    /// Set when the inputs were erased: <see cref="Oversight.PredictionDigests.Input"/> of the inputs as they were, so
    /// the decision's seal still verifies. Null while <see cref="InputsJson"/> holds the inputs.
    /// </summary>
    public string? InputDigest { get; set; }

    /// <summary>When the inputs were erased (data-subject erasure), epoch ms; then <see cref="InputsJson"/> is <c>{}</c>.</summary>
    public long? ErasedAt { get; set; }

    /// <summary>
    /// Set when the inputs were erased: the decision's reason codes as they were explained before the erasure (rank,
    /// feature and contribution, as JSON; no input values), so the record still says why. Null otherwise, or when the
    /// version could not be explained.
    /// </summary>
    public string? ErasedReasonsJson { get; set; }
}

/// <summary>Ground truth for a prediction, possibly days late. One row per prediction; a later one replaces it.</summary>
public sealed class PredictionFeedback
{
    /// <summary>The prediction it belongs to.</summary>
    public Guid PredictionId { get; set; }

    /// <summary>The endpoint (denormalised for windows by endpoint).</summary>
    public required string EndpointName { get; set; }

    /// <summary>The true class, as text, for classifiers.</summary>
    public string? Label { get; set; }

    /// <summary>The true value, for regressors.</summary>
    public double? Value { get; set; }

    /// <summary>When it arrived, epoch ms.</summary>
    public long ReceivedAt { get; set; }
}
