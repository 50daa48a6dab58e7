namespace Ferry.Core.Monitoring;

/// <summary>Port: reads the logged predictions of a window for performance checks (realized and estimated).</summary>
public interface IWindowPredictionStore
{
    /// <summary>
    /// The version's predictions served in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>), newest first, at most
    /// <paramref name="limit"/>, each with its feedback.
    /// </summary>
    Task<IReadOnlyList<WindowPrediction>> ListAsync(string endpointName, string modelName, int version, long windowStart, long windowEnd, int limit, CancellationToken cancellationToken = default);
}
