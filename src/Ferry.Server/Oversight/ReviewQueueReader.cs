using Ferry.Core.Contracts;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;

namespace Ferry.Server.Oversight;

/// <summary>
/// The review queue of an endpoint: its unreviewed predictions whose score for the review class
/// (<see cref="EndpointOversight.ReviewScoreClass"/>, by default the positive class) lies in
/// [<see cref="EndpointOversight.ReviewBandLow"/>, <see cref="EndpointOversight.ReviewBandHigh"/>], oldest first.
/// </summary>
public static class ReviewQueueReader
{
    /// <summary>Default start of the queue's window, before now.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    /// <summary>Most predictions one reading looks at.</summary>
    public const int MaxScan = 100_000;

    /// <summary>
    /// Reads the queue from the predictions served in [<paramref name="fromMs"/>, <paramref name="toMs"/>), looking at
    /// no more than <paramref name="maxScan"/> of them; at most <paramref name="limit"/> are returned.
    /// </summary>
    /// <exception cref="Core.Errors.ValidationException">The endpoint has no review band.</exception>
    public static async Task<ReviewQueueView> ReadAsync(
        EndpointOversight settings,
        IPredictionStore predictions,
        IPredictionReviewStore reviews,
        long fromMs,
        long? toMs,
        int limit,
        int maxScan,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(reviews);
        if (settings.ReviewBandLow is not { } low || settings.ReviewBandHigh is not { } high)
        {
            throw new Core.Errors.ValidationException("reviewBand",
                $"endpoint '{settings.EndpointName}' has no review band: set reviewBandLow and reviewBandHigh with PUT /api/v1/endpoints/{settings.EndpointName}/review-settings");
        }

        // A review comes after its prediction: the reviews recorded since the window's start cover every reviewed one.
        var reviewed = (await reviews.ListAsync(settings.EndpointName, fromMs, long.MaxValue, cancellationToken))
            .Select(r => r.PredictionId).ToHashSet();
        var queue = new List<QueuedPredictionView>();
        string? scoreClass = settings.ReviewScoreClass;
        var scanned = 0;
        Guid? after = null;
        var truncated = false;
        while (queue.Count < limit)
        {
            var pageSize = Math.Min(PredictionQuery.MaxLimit, maxScan - scanned);
            if (pageSize <= 0)
            {
                truncated = true;
                break;
            }

            var page = await predictions.ListAsync(new PredictionQuery
            {
                EndpointName = settings.EndpointName,
                From = fromMs,
                To = toMs,
                After = after,
                Limit = pageSize,
            }, cancellationToken);
            foreach (var row in page)
            {
                scanned++;
                var p = row.Prediction;
                if (reviewed.Contains(p.Id) || ReviewRules.Score(p.OutputsJson, settings.ReviewScoreClass) is not { } score)
                {
                    continue;
                }

                scoreClass ??= score.Class;
                if (score.Score >= low && score.Score <= high)
                {
                    queue.Add(new QueuedPredictionView(p.Id, p.ModelName, p.ModelVersion, DateTimeOffset.FromUnixTimeMilliseconds(p.Timestamp), score.Label, score.Score));
                    if (queue.Count == limit)
                    {
                        break;
                    }
                }
            }

            if (page.Count < pageSize)
            {
                break;
            }

            after = page[^1].Prediction.Id;
        }

        return new ReviewQueueView(settings.EndpointName, scoreClass, low, high, scanned, truncated, queue);
    }
}
