namespace Ferry.Core.Serving;

/// <summary>
/// Port: the prediction log's front door on the request path. Records go into a bounded in-memory buffer and are
/// written to the database in batches off the request path; a graceful shutdown drains the buffer.
/// </summary>
/// <remarks>
/// Full-buffer policy (stated and counted): a writer waits up to a configured time for room; if there is still none,
/// <see cref="TryEnqueueAsync"/> returns false and the request fails with 503 without returning prediction ids, so an id
/// a caller holds always has a row. Refusals are counted in <c>/metrics</c>.
/// </remarks>
public interface IPredictionLog
{
    /// <summary>Queues records for writing; false when the buffer stayed full (nothing was queued).</summary>
    ValueTask<bool> TryEnqueueAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default);
}
