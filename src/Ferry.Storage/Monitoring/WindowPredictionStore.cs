using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>A logged prediction in a monitoring window, with its ground truth when it arrived.</summary>
/// <param name="Timestamp">When it was served, epoch ms.</param>
/// <param name="InputsJson">Its inputs.</param>
/// <param name="OutputsJson">Its answer.</param>
/// <param name="Label">The true class, if known.</param>
/// <param name="Value">The true value, if known.</param>
public sealed record WindowPrediction(long Timestamp, string InputsJson, string OutputsJson, string? Label, double? Value);

/// <summary>Reads the logged predictions of a window for performance checks (realized and estimated).</summary>
public sealed class WindowPredictionStore(FerryDbContext db)
{
    /// <summary>
    /// The version's predictions served in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>), newest first, at most
    /// <paramref name="limit"/>, each with its feedback.
    /// </summary>
    public async Task<IReadOnlyList<WindowPrediction>> ListAsync(string endpointName, string modelName, int version, long windowStart, long windowEnd, int limit, CancellationToken cancellationToken = default)
    {
        var query =
            from p in db.Predictions.AsNoTracking()
            where p.EndpointName == endpointName && p.ModelName == modelName && p.ModelVersion == version && p.Timestamp >= windowStart && p.Timestamp < windowEnd
            join f in db.PredictionFeedback.AsNoTracking() on p.Id equals f.PredictionId into feedback
            from f in feedback.DefaultIfEmpty()
            orderby p.Timestamp descending
            select new WindowPrediction(p.Timestamp, p.InputsJson, p.OutputsJson, f == null ? null : f.Label, f == null ? null : f.Value);
        return await query.Take(limit).ToListAsync(cancellationToken);
    }
}
