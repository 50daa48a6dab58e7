using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

public sealed partial class PredictionStore
{
    /// <summary>Largest page <see cref="ListAsync"/> returns.</summary>
    public const int MaxLimit = PredictionQuery.MaxLimit;

    /// <inheritdoc />
    public async Task<PredictionWithFeedback?> FindAsync(string endpointName, Guid id, CancellationToken cancellationToken = default)
    {
        // The id's embedded time first: on a partitioned log only that day's partition is searched. Any other id (or a
        // row whose time differs from its id's) is found by the id alone.
        var prediction = PredictionIds.EmbeddedTime(id) is { } at
            ? await db.Predictions.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.Timestamp == at && p.EndpointName == endpointName, cancellationToken)
            : null;
        prediction ??= await db.Predictions.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Id == id && p.EndpointName == endpointName, cancellationToken);
        if (prediction is null)
        {
            return null;
        }

        var feedback = await db.PredictionFeedback.AsNoTracking()
            .FirstOrDefaultAsync(f => f.PredictionId == id, cancellationToken);
        return new PredictionWithFeedback(prediction, feedback);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionWithFeedback>> ListAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var rows = db.Predictions.AsNoTracking().Where(p => p.EndpointName == query.EndpointName);
        if (query.From is { } from)
        {
            rows = rows.Where(p => p.Timestamp >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(p => p.Timestamp < to);
        }

        if (query.After is { } after)
        {
            var named = PredictionIds.EmbeddedTime(after) is { } at
                ? await db.Predictions.AsNoTracking()
                    .Where(p => p.Id == after && p.Timestamp == at && p.EndpointName == query.EndpointName)
                    .Select(p => (long?)p.Timestamp)
                    .FirstOrDefaultAsync(cancellationToken)
                : null;
            var anchor = named ?? await db.Predictions.AsNoTracking()
                .Where(p => p.Id == after && p.EndpointName == query.EndpointName)
                .Select(p => (long?)p.Timestamp)
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new Ferry.Core.Errors.ValidationException("after", $"no prediction {after} on endpoint '{query.EndpointName}'");
            rows = rows.Where(p => p.Timestamp > anchor || (p.Timestamp == anchor && p.Id > after));
        }

        var page = await rows.OrderBy(p => p.Timestamp).ThenBy(p => p.Id).Take(limit).ToListAsync(cancellationToken);
        var feedback = new Dictionary<Guid, PredictionFeedback>();
        foreach (var chunk in page.Select(p => p.Id).Chunk(IdChunk))
        {
            foreach (var f in await db.PredictionFeedback.AsNoTracking().Where(f => chunk.Contains(f.PredictionId)).ToListAsync(cancellationToken))
            {
                feedback[f.PredictionId] = f;
            }
        }

        return [.. page.Select(p => new PredictionWithFeedback(p, feedback.GetValueOrDefault(p.Id)))];
    }
}
