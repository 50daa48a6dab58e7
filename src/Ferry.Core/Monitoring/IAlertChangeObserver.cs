namespace Ferry.Core.Monitoring;

/// <summary>
/// Told of every alert opened or resolved, wherever it came from (monitor runs, oversight, the loop's guards), when the
/// change is queued for webhook delivery. Must not block: queue the work and return.
/// </summary>
public interface IAlertChangeObserver
{
    /// <summary>Alerts that just opened or resolved.</summary>
    void OnAlertChanges(IReadOnlyList<AlertChange> changes);
}
