namespace Ferry.Core.Serving;

/// <summary>
/// Port: for readers of the prediction log that must see every prediction this replica acknowledged so far (monitor
/// runs): has the log's writer write what it holds now rather than at the end of its flush interval, and waits for it.
/// </summary>
public interface IPredictionLogBarrier
{
    /// <summary>
    /// Returns once every record queued before the call is in the database; false when a bounded wait (a few seconds,
    /// so a failing database cannot hold the caller) ran out first.
    /// </summary>
    Task<bool> WriteQueuedAsync(CancellationToken cancellationToken = default);
}
