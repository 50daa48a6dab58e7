using System.Runtime.CompilerServices;
using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>Reads the logged predictions of a window for performance checks (realized and estimated) and exact drift.</summary>
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

    /// <inheritdoc />
    public Task<long> CountAsync(string endpointName, string modelName, int version, long windowStart, long windowEnd, CancellationToken cancellationToken = default) =>
        db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpointName && p.ModelName == modelName && p.ModelVersion == version && p.Timestamp >= windowStart && p.Timestamp < windowEnd
                && p.ErasedAt == null)
            .LongCountAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<LoggedRow> StreamAsync(string endpointName, string modelName, int version, long windowStart, long windowEnd, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpointName && p.ModelName == modelName && p.ModelVersion == version && p.Timestamp >= windowStart && p.Timestamp < windowEnd
                && p.ErasedAt == null)
            .Select(p => new { p.InputsJson, p.OutputsJson })
            .AsAsyncEnumerable()
            .WithCancellation(cancellationToken);
        await foreach (var row in rows)
        {
            yield return new LoggedRow(row.InputsJson, row.OutputsJson);
        }
    }
}
