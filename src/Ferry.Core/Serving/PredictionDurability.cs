namespace Ferry.Core.Serving;

/// <summary>When an endpoint answers relative to writing its prediction-log rows.</summary>
public enum PredictionDurability
{
    /// <summary>
    /// Answer once the rows are queued in memory; they are written in batches within the flush interval. A process
    /// kill loses what was queued and not yet committed (at most the buffer's capacity). The default.
    /// </summary>
    Buffered = 0,

    /// <summary>
    /// Answer only once the rows are committed to the database. Concurrent requests share one transaction (group
    /// commit), so a kill loses no acknowledged prediction.
    /// </summary>
    Durable = 1,
}
