namespace Ferry.Core.Serving;

/// <summary>
/// Port: ground truth for logged predictions. A request is all-or-nothing: every id must be a logged prediction of the
/// endpoint, or nothing is written. A later feedback for a prediction replaces the earlier one. Each request is one
/// audit event (<c>feedback.ingest</c>) with its counts.
/// </summary>
public interface IFeedbackStore
{
    /// <summary>
    /// Stores <paramref name="items"/> for <paramref name="endpointName"/> (within the request, the last item for an id
    /// wins) and returns how many predictions got feedback.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">The endpoint has no logged predictions.</exception>
    /// <exception cref="Errors.ValidationException">Some ids are not predictions of this endpoint; nothing was written.</exception>
    Task<int> IngestAsync(string endpointName, IReadOnlyList<FeedbackItem> items, string actor, CancellationToken cancellationToken = default);

    /// <summary>The feedback of one prediction, or null.</summary>
    Task<PredictionFeedback?> FindAsync(Guid predictionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many predictions of <paramref name="endpointName"/> got a label or a value received after
    /// <paramref name="sinceExclusive"/> (epoch ms); a replaced feedback counts once, at its latest receipt.
    /// </summary>
    Task<int> CountReceivedSinceAsync(string endpointName, long sinceExclusive, CancellationToken cancellationToken = default);
}
