using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

/// <summary>
/// The prediction log's table: batch inserts for the background writer, reads by id and by time for the API,
/// and retention (<see cref="DeleteOlderThanAsync(long, CancellationToken)"/>). Not audited: logged predictions are data, not changes of state.
/// </summary>
public sealed partial class PredictionStore(FerryDbContext db, Log.IPredictionBulkCopy? bulkCopy = null) : IPredictionStore
{
    /// <summary>Ids per <c>IN (...)</c> query, well under SQLite's parameter limit.</summary>
    internal const int IdChunk = 500;

    /// <inheritdoc />
    /// <remarks>Encoded, then COPY or multi-row INSERTs, see PredictionStore.Insert.cs.</remarks>
    public async Task<int> InsertBatchAsync(IReadOnlyList<PredictionRecord> records, bool skipExisting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        db.ChangeTracker.Clear();
        var pending = skipExisting ? await WithoutExistingAsync(records, cancellationToken) : records;
        if (pending.Count == 0)
        {
            return 0;
        }

        await InsertRowsAsync(pending, cancellationToken);
        return pending.Count;
    }

    /// <inheritdoc />
    /// <remarks>Encodes the rows on the thread pool (<see cref="Log.PredictionEncoder.Prepare"/>).</remarks>
    public void PrepareBatch(IReadOnlyList<PredictionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        _ = Log.PredictionEncoder.Prepare(records);
    }

    /// <inheritdoc />
    public Task<int> CountAsync(string? endpointName = null, CancellationToken cancellationToken = default) =>
        endpointName is null
            ? db.Predictions.CountAsync(cancellationToken)
            : db.Predictions.CountAsync(p => p.EndpointName == endpointName, cancellationToken);

    private async Task<IReadOnlyList<PredictionRecord>> WithoutExistingAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken)
    {
        var existing = new HashSet<Guid>();
        foreach (var chunk in records.Select(r => r.Id).Chunk(IdChunk))
        {
            existing.UnionWith(await db.Predictions.AsNoTracking()
                .Where(p => chunk.Contains(p.Id))
                .Select(p => p.Id)
                .ToListAsync(cancellationToken));
        }

        return existing.Count == 0 ? records : [.. records.Where(r => !existing.Contains(r.Id))];
    }
}
