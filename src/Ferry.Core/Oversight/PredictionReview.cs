namespace Ferry.Core.Oversight;

/// <summary>What a human reviewer did with a logged prediction.</summary>
public enum ReviewAction
{
    /// <summary>The reviewer agrees with the model's decision.</summary>
    Confirm = 1,

    /// <summary>The reviewer replaces the model's decision with their own outcome.</summary>
    Override = 2,

    /// <summary>The reviewer passes the case to someone more senior; no decision yet.</summary>
    Escalate = 3,
}

/// <summary>
/// A human decision recorded on a logged prediction (EU AI Act Art. 14). A prediction may collect several reviews
/// (an escalation, then an override); the latest one is the case's current human decision. Times are epoch ms.
/// </summary>
public sealed class PredictionReview
{
    /// <summary>The review's id (a version-7 GUID, time-ordered).</summary>
    public Guid Id { get; set; }

    /// <summary>The reviewed prediction.</summary>
    public Guid PredictionId { get; set; }

    /// <summary>The endpoint that served the prediction.</summary>
    public required string EndpointName { get; set; }

    /// <summary>The model that answered.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version that answered.</summary>
    public int ModelVersion { get; set; }

    /// <summary>Confirm, override or escalate.</summary>
    public ReviewAction Action { get; set; }

    /// <summary>The human's outcome, as text (a class label such as "0", or a number), for an override; else null.</summary>
    public string? Outcome { get; set; }

    /// <summary>Why, in the reviewer's words (required).</summary>
    public required string Reason { get; set; }

    /// <summary>Who reviewed (the principal's name).</summary>
    public required string Actor { get; set; }

    /// <summary>When, epoch ms.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>Reviews and overrides of one model version on an endpoint over a window.</summary>
/// <param name="ModelName">Model.</param>
/// <param name="ModelVersion">Version.</param>
/// <param name="Predictions">Predictions the version served in the window.</param>
/// <param name="Reviewed">Of those, how many carry at least one review.</param>
/// <param name="Overridden">Of those, how many have an override as their latest review.</param>
public sealed record ReviewCounts(string ModelName, int ModelVersion, long Predictions, long Reviewed, long Overridden)
{
    /// <summary>Overridden over reviewed (null when nothing was reviewed).</summary>
    public double? OverrideRate => Reviewed == 0 ? null : (double)Overridden / Reviewed;
}

/// <summary>Port: human reviews of logged predictions. Each review is one audit event (<c>prediction.review</c>).</summary>
public interface IPredictionReviewStore
{
    /// <summary>
    /// Records a review (its id, time, endpoint, model and version are filled in from the prediction) and returns it.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">The endpoint has no such logged prediction.</exception>
    Task<PredictionReview> AddAsync(PredictionReview review, CancellationToken cancellationToken = default);

    /// <summary>Every review of one prediction, oldest first.</summary>
    Task<IReadOnlyList<PredictionReview>> ListAsync(Guid predictionId, CancellationToken cancellationToken = default);

    /// <summary>Reviews of an endpoint recorded in [<paramref name="fromMs"/>, <paramref name="toMs"/>), oldest first.</summary>
    Task<IReadOnlyList<PredictionReview>> ListAsync(string endpointName, long fromMs, long toMs, CancellationToken cancellationToken = default);

    /// <summary>Per model version: predictions served in [from, to), how many were reviewed and how many overridden.</summary>
    Task<IReadOnlyList<ReviewCounts>> CountAsync(string endpointName, long fromMs, long toMs, CancellationToken cancellationToken = default);
}
