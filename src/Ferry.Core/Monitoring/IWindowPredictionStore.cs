namespace Ferry.Core.Monitoring;

/// <summary>Port: reads the logged predictions of a window for performance checks (realized and estimated) and exact drift.</summary>
public interface IWindowPredictionStore
{
    /// <summary>
    /// The version's predictions served in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>), newest first, at most
    /// <paramref name="limit"/>, each with its feedback.
    /// </summary>
    Task<IReadOnlyList<WindowPrediction>> ListAsync(string endpointName, string modelName, int version, long windowStart, long windowEnd, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many of the version's predictions were served in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>) and still hold their inputs (erased ones are left out, as in the stream).</summary>
    Task<long> CountAsync(string endpointName, string modelName, int version, long windowStart, long windowEnd, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the inputs and outputs of the version's predictions served in [<paramref name="windowStart"/>,
    /// <paramref name="windowEnd"/>), in no particular order, without holding them all in memory.
    /// </summary>
    IAsyncEnumerable<LoggedRow> StreamAsync(string endpointName, string modelName, int version, long windowStart, long windowEnd, CancellationToken cancellationToken = default);
}

/// <summary>A logged prediction's inputs and answer, as the prediction log stored them.</summary>
/// <param name="InputsJson">The record's inputs, a JSON object.</param>
/// <param name="OutputsJson">The answer, a JSON object (<c>label</c>, <c>score</c>, <c>probabilities</c>).</param>
public readonly record struct LoggedRow(string InputsJson, string OutputsJson);
