using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Oversight;

/// <summary>Human reviews of logged predictions; each review is one audit event (<c>prediction.review</c>).</summary>
public sealed class PredictionReviewStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IPredictionReviewStore
{
    /// <inheritdoc />
    public async Task<PredictionReview> AddAsync(PredictionReview review, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(review);
        var prediction = await db.Predictions.AsNoTracking()
            .Where(p => p.Id == review.PredictionId && p.EndpointName == review.EndpointName)
            .Select(p => new { p.ModelName, p.ModelVersion })
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"endpoint '{review.EndpointName}' has no prediction {review.PredictionId}");
        var now = clock.GetUtcNow();
        var stored = new PredictionReview
        {
            Id = Guid.CreateVersion7(now),
            PredictionId = review.PredictionId,
            EndpointName = review.EndpointName,
            ModelName = prediction.ModelName,
            ModelVersion = prediction.ModelVersion,
            Action = review.Action,
            Outcome = review.Outcome,
            Reason = review.Reason,
            Actor = review.Actor,
            CreatedAt = now.ToUnixTimeMilliseconds(),
        };
        return await writer.RunAsync(review.Actor, (context, _) =>
        {
            context.PredictionReviews.Add(stored);
            var record = AuditRecord.Of("prediction.review", $"endpoint/{stored.EndpointName}/predictions/{stored.PredictionId}", new
            {
                stored.Id,
                Action = stored.Action.ToString().ToLowerInvariant(),
                stored.Outcome,
                stored.Reason,
                stored.ModelName,
                stored.ModelVersion,
            });
            return Task.FromResult((stored, record));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionReview>> ListAsync(Guid predictionId, CancellationToken cancellationToken = default) =>
        await db.PredictionReviews.AsNoTracking().Where(r => r.PredictionId == predictionId)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionReview>> ListAsync(string endpointName, long fromMs, long toMs, CancellationToken cancellationToken = default) =>
        await db.PredictionReviews.AsNoTracking()
            .Where(r => r.EndpointName == endpointName && r.CreatedAt >= fromMs && r.CreatedAt < toMs)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReviewCounts>> CountAsync(string endpointName, long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        var served = await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpointName && p.Timestamp >= fromMs && p.Timestamp < toMs)
            .GroupBy(p => new { p.ModelName, p.ModelVersion })
            .Select(g => new { g.Key.ModelName, g.Key.ModelVersion, Count = g.LongCount() })
            .ToListAsync(cancellationToken);

        // The latest review of each reviewed prediction served in the window.
        var reviews = await (from r in db.PredictionReviews.AsNoTracking()
                             join p in db.Predictions.AsNoTracking() on r.PredictionId equals p.Id
                             where p.EndpointName == endpointName && p.Timestamp >= fromMs && p.Timestamp < toMs
                             select new { r.PredictionId, r.ModelName, r.ModelVersion, r.Action, r.CreatedAt, r.Id })
            .ToListAsync(cancellationToken);
        var latest = reviews
            .GroupBy(r => r.PredictionId)
            .Select(g => g.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Last())
            .ToList();

        return [.. served
            .OrderBy(s => s.ModelName, StringComparer.Ordinal).ThenBy(s => s.ModelVersion)
            .Select(s =>
            {
                var mine = latest.Where(r => r.ModelName == s.ModelName && r.ModelVersion == s.ModelVersion).ToList();
                return new ReviewCounts(s.ModelName, s.ModelVersion, s.Count, mine.Count, mine.Count(r => r.Action == ReviewAction.Override));
            })];
    }
}
