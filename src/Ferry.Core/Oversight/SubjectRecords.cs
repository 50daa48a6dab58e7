using Ferry.Core.Serving;

namespace Ferry.Core.Oversight;

/// <summary>One decision about a data subject: the logged prediction, its ground truth and its human reviews.</summary>
/// <param name="Prediction">The prediction-log row (its inputs are <c>{}</c> once erased).</param>
/// <param name="Feedback">Its ground truth, when any arrived (none once erased).</param>
/// <param name="Reviews">Its human reviews, oldest first.</param>
public sealed record SubjectDecision(PredictionRecord Prediction, PredictionFeedback? Feedback, IReadOnlyList<PredictionReview> Reviews);

/// <summary>What one erasure batch changed.</summary>
/// <param name="Predictions">Predictions whose inputs were erased now.</param>
/// <param name="Feedback">Ground-truth rows removed.</param>
/// <param name="ProfileBuckets">Profile buckets redacted (the subject's unseen categories and extreme values taken out).</param>
/// <param name="ProfileBucketsRemoved">Profile buckets removed because they held only the subject's rows.</param>
public sealed record SubjectErasure(int Predictions, int Feedback, int ProfileBuckets, int ProfileBucketsRemoved)
{
    /// <summary>Nothing changed.</summary>
    public static SubjectErasure None { get; } = new(0, 0, 0, 0);

    /// <summary>The sum of two batches.</summary>
    public SubjectErasure Add(SubjectErasure other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Predictions + other.Predictions, Feedback + other.Feedback, ProfileBuckets + other.ProfileBuckets, ProfileBucketsRemoved + other.ProfileBucketsRemoved);
    }
}

/// <summary>
/// Port: a data subject's decisions, found by the keyed hash of their key (<see cref="PredictionRecord.SubjectHash"/>),
/// for export and erasure (GDPR Art. 15 and 17). The key itself is never stored nor passed here.
/// </summary>
public interface ISubjectStore
{
    /// <summary>The subject's decisions on every endpoint, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<SubjectDecision>> FindAsync(string subjectHash, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records that the subject's decisions were exported (<c>subject.export</c>, with the hash and the count).</summary>
    Task RecordExportAsync(string subjectHash, int decisions, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases, in one transaction with one <c>subject.erase</c> audit event (the hash and the counts, never the key): the
    /// inputs of the listed predictions of the subject that still hold them (<see cref="PredictionRecord.InputDigest"/>
    /// = the digest of the inputs, <see cref="PredictionRecord.InputsJson"/> = <c>{}</c>, <see cref="PredictionRecord.ErasedAt"/>
    /// = now, <see cref="PredictionRecord.ErasedReasonsJson"/> from <paramref name="reasons"/>), the ground truth of every
    /// prediction of the subject, and the subject's values from the profile buckets those predictions were folded into.
    /// Idempotent: ids already erased or not the subject's are skipped.
    /// </summary>
    /// <param name="subjectHash">The subject's keyed hash.</param>
    /// <param name="reasons">Prediction id → its reason codes as JSON (or null when it could not be explained).</param>
    /// <param name="actor">Who erased.</param>
    /// <param name="cancellationToken">Cancels the batch (nothing is written then).</param>
    Task<SubjectErasure> EraseAsync(string subjectHash, IReadOnlyDictionary<Guid, string?> reasons, string actor, CancellationToken cancellationToken = default);
}
