using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Oversight;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Explain;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;

namespace Ferry.Server.Oversight.Subjects;

/// <summary>
/// Data-subject rights over the prediction log: export every decision about a subject (with its explanation, reviews
/// and ground truth) and erase their personal inputs while each decision's record stays. Subjects are found by the
/// keyed hash of their key (<see cref="SubjectKeys"/>); the key is neither stored nor logged.
/// </summary>
public sealed class SubjectService(ISubjectStore store, IPredictionStore predictions, IRegistryStore registry, ModelCache models, Explainers explainers,
    PredictionLog log, ProfileCollector profiles, SubjectKeys keys)
{
    /// <summary>Most decisions one export lists.</summary>
    public const int MaxDecisions = 10_000;

    /// <summary>Most predictions erased in one transaction.</summary>
    public const int EraseBatch = 500;

    /// <summary>The reason codes an explanation keeps (as the dashboard's decision page).</summary>
    private static readonly ReasonSettings Reasons = new(5);

    /// <summary>The keyed hash of a key, refusing an empty one.</summary>
    /// <exception cref="ValidationException">No key.</exception>
    public string HashOf(string? key) =>
        string.IsNullOrEmpty(key) ? throw new ValidationException("key", "is required: the data subject's key, as sent in the endpoint's subject field") : keys.Hash(key);

    /// <summary>Every decision about the subject with its explanation, reviews and ground truth; audited <c>subject.export</c>.</summary>
    public async Task<SubjectExportView> ExportAsync(string? key, string actor, CancellationToken cancellationToken)
    {
        var hash = HashOf(key);
        await WaitForQueuedAsync(cancellationToken);
        var decisions = await store.FindAsync(hash, MaxDecisions + 1, cancellationToken);
        var truncated = decisions.Count > MaxDecisions;
        var views = new List<SubjectDecisionView>(Math.Min(decisions.Count, MaxDecisions));
        foreach (var decision in decisions.Take(MaxDecisions))
        {
            views.Add(await ViewAsync(decision, cancellationToken));
        }

        await store.RecordExportAsync(hash, views.Count, actor, cancellationToken);
        return new SubjectExportView(hash, views, truncated);
    }

    /// <summary>
    /// Erases the subject's personal inputs (prediction log, ground truth, profile buckets), keeping each decision's
    /// record and its reason codes; one audited transaction (<c>subject.erase</c>) per batch. Idempotent.
    /// </summary>
    public async Task<SubjectErasureView> EraseAsync(string? key, string actor, CancellationToken cancellationToken)
    {
        var hash = HashOf(key);
        // Rows still queued for the log, and values still folded only in memory, must reach the database first.
        await WaitForQueuedAsync(cancellationToken);
        await profiles.FlushAsync(cancellationToken);
        var total = SubjectErasure.None;
        var found = 0;
        var already = 0;
        while (true)
        {
            var decisions = await store.FindAsync(hash, int.MaxValue, cancellationToken);
            found = decisions.Count;
            var pending = decisions.Where(d => d.Prediction.ErasedAt is null).Take(EraseBatch).ToList();
            if (total == SubjectErasure.None)
            {
                already = decisions.Count - decisions.Count(d => d.Prediction.ErasedAt is null);
            }

            var reasons = new Dictionary<Guid, string?>(pending.Count);
            foreach (var decision in pending)
            {
                reasons[decision.Prediction.Id] = await ReasonsJsonAsync(decision.Prediction, cancellationToken);
            }

            var batch = await store.EraseAsync(hash, reasons, actor, cancellationToken);
            total = total.Add(batch);
            if (pending.Count < EraseBatch || batch.Predictions == 0)
            {
                break;
            }
        }

        return new SubjectErasureView(hash, found, total.Predictions, already, total.Feedback, total.ProfileBuckets, total.ProfileBucketsRemoved);
    }

    private async Task WaitForQueuedAsync(CancellationToken cancellationToken) =>
        await log.WriteQueuedAsync(cancellationToken);

    private async Task<string?> ReasonsJsonAsync(PredictionRecord prediction, CancellationToken cancellationToken)
    {
        try
        {
            var explained = await LoggedExplanations.ExplainAsync(prediction.EndpointName, prediction.Id, Reasons, predictions, registry, models, explainers, cancellationToken);
            var kept = explained.ReasonCodes.Select(r => new ErasedReasonView(r.Rank, r.Feature, r.Contribution)).ToList();
            return JsonSerializer.Serialize(kept, SubjectsJsonContext.Default.IReadOnlyListErasedReasonView);
        }
        catch (Exception e) when (e is ValidationException or NotFoundException or InvalidOperationException)
        {
            // The version cannot be explained (no reference, model gone): the record keeps its digests without reasons.
            return null;
        }
    }

    private async Task<SubjectDecisionView> ViewAsync(SubjectDecision decision, CancellationToken cancellationToken)
    {
        var p = decision.Prediction;
        ExplanationView? explanation = null;
        IReadOnlyList<ErasedReasonView>? erasedReasons = null;
        string? error = null;
        if (p.ErasedAt is not null)
        {
            erasedReasons = p.ErasedReasonsJson is { } json ? JsonSerializer.Deserialize(json, SubjectsJsonContext.Default.IReadOnlyListErasedReasonView) : null;
            error = erasedReasons is null ? "the inputs were erased and the version could not be explained before" : null;
        }
        else
        {
            try
            {
                explanation = await LoggedExplanations.ExplainAsync(p.EndpointName, p.Id, Reasons, predictions, registry, models, explainers, cancellationToken);
            }
            catch (Exception e) when (e is ValidationException or NotFoundException or InvalidOperationException)
            {
                error = e is ValidationException invalid ? string.Join("; ", invalid.Errors.SelectMany(kv => kv.Value.Select(m => $"{kv.Key} {m}"))) : e.Message;
            }
        }

        return new SubjectDecisionView(
            p.Id,
            p.EndpointName,
            DateTimeOffset.FromUnixTimeMilliseconds(p.Timestamp),
            p.ModelName,
            p.ModelVersion,
            p.ErasedAt is null ? Parse(p.InputsJson) : null,
            Parse(p.OutputsJson),
            p.ErasedAt is { } erased ? DateTimeOffset.FromUnixTimeMilliseconds(erased) : null,
            p.InputDigest,
            explanation,
            erasedReasons,
            error,
            decision.Feedback is { } f ? new SubjectFeedbackView(f.Label, f.Value, DateTimeOffset.FromUnixTimeMilliseconds(f.ReceivedAt)) : null,
            [.. decision.Reviews.Select(r => new SubjectReviewView(r.Action.ToString().ToLowerInvariant(), r.Outcome, r.Reason, r.Actor, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt)))]);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
