using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

public sealed partial class PredictionStore
{
    /// <inheritdoc />
    /// <remarks>One set-based <c>DELETE</c> each.</remarks>
    public async Task<PredictionRetentionResult> DeleteOlderThanAsync(long cutoffMs, CancellationToken cancellationToken = default)
    {
        // Feedback first: it is found through its prediction's time, which the second statement removes.
        var feedback = await db.PredictionFeedback
            .Where(f => db.Predictions.Any(p => p.Id == f.PredictionId && p.Timestamp < cutoffMs))
            .ExecuteDeleteAsync(cancellationToken);
        var predictions = await db.Predictions.Where(p => p.Timestamp < cutoffMs).ExecuteDeleteAsync(cancellationToken);
        return new PredictionRetentionResult(predictions, feedback);
    }

    /// <inheritdoc />
    public async Task<PredictionRetentionResult> DeleteOlderThanAsync(long cutoffMs, IReadOnlyCollection<string> exceptEndpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exceptEndpoints);
        if (exceptEndpoints.Count == 0)
        {
            return await DeleteOlderThanAsync(cutoffMs, cancellationToken);
        }

        var kept = exceptEndpoints.ToList();
        var feedback = await db.PredictionFeedback
            .Where(f => db.Predictions.Any(p => p.Id == f.PredictionId && p.Timestamp < cutoffMs && !kept.Contains(p.EndpointName)))
            .ExecuteDeleteAsync(cancellationToken);
        var predictions = await db.Predictions.Where(p => p.Timestamp < cutoffMs && !kept.Contains(p.EndpointName)).ExecuteDeleteAsync(cancellationToken);
        return new PredictionRetentionResult(predictions, feedback);
    }
}
