using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

/// <summary>
/// Ground truth for logged predictions. A request is all-or-nothing: every id must be a logged prediction of the
/// endpoint, or nothing is written. A later feedback for a prediction replaces the earlier one. Each request is
/// one audit event (<c>feedback.ingest</c>) with its counts.
/// </summary>
public sealed class FeedbackStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IFeedbackStore
{
    /// <summary>How many unknown ids a rejection names.</summary>
    public const int ReportedUnknownIds = 10;

    /// <inheritdoc />
    public async Task<int> IngestAsync(string endpointName, IReadOnlyList<FeedbackItem> items, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!await db.Predictions.AnyAsync(p => p.EndpointName == endpointName, cancellationToken))
        {
            throw new NotFoundException($"endpoint '{endpointName}' has no logged predictions");
        }

        var latest = new Dictionary<Guid, FeedbackItem>(items.Count);
        foreach (var item in items)
        {
            latest[item.PredictionId] = item;
        }

        await EnsureAllKnownAsync(endpointName, latest.Keys, cancellationToken);
        var receivedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return await writer.RunAsync(actor, async (context, ct) =>
        {
            var replaced = 0;
            foreach (var chunk in latest.Values.Chunk(PredictionStore.IdChunk))
            {
                replaced += await UpsertAsync(context, endpointName, chunk, receivedAt, ct);
            }

            var labels = latest.Values.Count(i => i.Label is not null);
            var summary = new { endpoint = endpointName, accepted = latest.Count, replaced, labels, values = latest.Count - labels };
            return (latest.Count, AuditRecord.Of("feedback.ingest", endpointName, summary));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PredictionFeedback?> FindAsync(Guid predictionId, CancellationToken cancellationToken = default) =>
        db.PredictionFeedback.AsNoTracking().FirstOrDefaultAsync(f => f.PredictionId == predictionId, cancellationToken);

    /// <inheritdoc />
    public Task<int> CountReceivedSinceAsync(string endpointName, long sinceExclusive, CancellationToken cancellationToken = default) =>
        db.PredictionFeedback.AsNoTracking()
            .Where(f => f.EndpointName == endpointName && f.ReceivedAt > sinceExclusive && (f.Label != null || f.Value != null))
            .CountAsync(cancellationToken);

    private async Task EnsureAllKnownAsync(string endpointName, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var unknown = new List<Guid>();
        var unknownCount = 0;
        foreach (var chunk in ids.Chunk(PredictionStore.IdChunk))
        {
            // Bounded by the ids' embedded times first (one partition per day they name), then the rest by id alone.
            var times = PredictionIds.EmbeddedTimes(chunk);
            var found = times.Length == 0 ? [] : (await db.Predictions.AsNoTracking()
                .Where(p => p.EndpointName == endpointName && times.Contains(p.Timestamp) && chunk.Contains(p.Id))
                .Select(p => p.Id)
                .ToListAsync(cancellationToken)).ToHashSet();
            if (found.Count < chunk.Length)
            {
                var rest = chunk.Where(id => !found.Contains(id)).ToArray();
                found.UnionWith(await db.Predictions.AsNoTracking()
                    .Where(p => p.EndpointName == endpointName && rest.Contains(p.Id))
                    .Select(p => p.Id)
                    .ToListAsync(cancellationToken));
            }

            foreach (var id in chunk.Where(id => !found.Contains(id)))
            {
                unknownCount++;
                if (unknown.Count < ReportedUnknownIds)
                {
                    unknown.Add(id);
                }
            }
        }

        if (unknownCount > 0)
        {
            throw new ValidationException("predictionId",
                $"{unknownCount} id(s) are not logged predictions of endpoint '{endpointName}' (nothing was stored); "
                + $"first {unknown.Count}: {string.Join(", ", unknown)}");
        }
    }

    private static async Task<int> UpsertAsync(FerryDbContext context, string endpointName, FeedbackItem[] chunk, long receivedAt, CancellationToken cancellationToken)
    {
        var ids = chunk.Select(i => i.PredictionId).ToArray();
        var existing = await context.PredictionFeedback
            .Where(f => ids.Contains(f.PredictionId))
            .ToDictionaryAsync(f => f.PredictionId, cancellationToken);
        foreach (var item in chunk)
        {
            if (!existing.TryGetValue(item.PredictionId, out var row))
            {
                row = new PredictionFeedback { PredictionId = item.PredictionId, EndpointName = endpointName };
                context.PredictionFeedback.Add(row);
            }

            row.Label = item.Label;
            row.Value = item.Value;
            row.ReceivedAt = receivedAt;
        }

        // Written chunk by chunk inside the audited transaction, so a 100k-row request does not track 100k entities.
        await context.SaveChangesAsync(cancellationToken);
        context.ChangeTracker.Clear();
        return existing.Count;
    }
}
