using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

public sealed partial class PredictionStore
{
    /// <summary>
    /// Deletes predictions served before <paramref name="cutoffMs"/> (epoch ms) and the feedback attached to them,
    /// each with one set-based <c>DELETE</c>. Returns how many of each went.
    /// </summary>
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
