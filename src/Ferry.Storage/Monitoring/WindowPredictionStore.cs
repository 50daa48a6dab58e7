using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>Reads the logged predictions of a window for performance checks (realized and estimated).</summary>
public sealed class WindowPredictionStore(FerryDbContext db) : IWindowPredictionStore
{
    /// <inheritdoc />
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
