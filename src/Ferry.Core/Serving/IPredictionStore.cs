namespace Ferry.Core.Serving;

/// <summary>
/// Port: the prediction log's table: batch inserts for the background writer, reads by id and by time for the API,
/// and retention. Not audited: logged predictions are data, not changes of state.
/// </summary>
public interface IPredictionStore
{
    /// <summary>
    /// Inserts <paramref name="records"/> in one transaction. With <paramref name="skipExisting"/> (a retry), ids already
    /// in the table are left out first, so a batch whose commit succeeded but whose acknowledgement was lost is not
    /// written twice. Returns how many rows were inserted.
    /// </summary>
    Task<int> InsertBatchAsync(IReadOnlyList<PredictionRecord> records, bool skipExisting, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts, off the caller's thread, the part of <see cref="InsertBatchAsync"/> that needs no database (encoding the
    /// rows) for a batch the caller will insert next, so that it overlaps the database's work on the batch before it. An
    /// <see cref="InsertBatchAsync"/> of the same list, unchanged, uses the result. A hint: a store may ignore it.
    /// </summary>
    void PrepareBatch(IReadOnlyList<PredictionRecord> records)
    {
    }

    /// <summary>One logged prediction of an endpoint with its feedback, or null when the endpoint has no such prediction.</summary>
    Task<PredictionWithFeedback?> FindAsync(string endpointName, Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of an endpoint's predictions in (time, id) order, each with its feedback. Pages continue from the
    /// prediction <see cref="PredictionQuery.After"/> names (keyset paging: stable while rows are being added).
    /// </summary>
    /// <exception cref="Errors.ValidationException"><see cref="PredictionQuery.After"/> is not a prediction of the endpoint.</exception>
    Task<IReadOnlyList<PredictionWithFeedback>> ListAsync(PredictionQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many predictions the log holds for an endpoint (all endpoints when null).</summary>
    Task<int> CountAsync(string? endpointName = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes predictions served before <paramref name="cutoffMs"/> (epoch ms) and the feedback attached to them.
    /// Returns how many of each went.
    /// </summary>
    Task<PredictionRetentionResult> DeleteOlderThanAsync(long cutoffMs, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="DeleteOlderThanAsync(long, CancellationToken)"/>, but leaves the rows of <paramref name="exceptEndpoints"/>
    /// alone (their retention removes whole sealed stretches instead, <see cref="Oversight.IPredictionSealStore.ExpireAsync"/>).
    /// </summary>
    Task<PredictionRetentionResult> DeleteOlderThanAsync(long cutoffMs, IReadOnlyCollection<string> exceptEndpoints, CancellationToken cancellationToken = default);
}
