namespace Ferry.Core.Monitoring;

/// <summary>Port: reads the alerts that monitor runs opened and resolved.</summary>
public interface IAlertStore
{
    /// <summary>
    /// Alerts, newest first, optionally only those with a <paramref name="status"/> (<see cref="AlertStatus"/>) or of one
    /// monitor; at most <paramref name="limit"/> (clamped to 1..1000).
    /// </summary>
    Task<IReadOnlyList<Alert>> ListAlertsAsync(string? status, string? monitorName, int limit, CancellationToken cancellationToken = default);
}
