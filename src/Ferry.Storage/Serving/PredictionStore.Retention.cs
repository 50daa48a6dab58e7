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
}
