namespace Ferry.Core.Monitoring;

/// <summary>Port: reads the alerts that monitor runs opened and resolved.</summary>
public interface IAlertStore
{
    /// <summary>
    /// Alerts, newest first, optionally only those with a <paramref name="status"/> (<see cref="AlertStatus"/>) or of one
    /// monitor; at most <paramref name="limit"/> (clamped to 1..1000).
    /// </summary>
    Task<IReadOnlyList<Alert>> ListAlertsAsync(string? status, string? monitorName, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens an alert that no monitor run raised (a governance break-glass move), audited as <c>alert.open</c> by
    /// <paramref name="actor"/>; its id, times and status are set here.
    /// </summary>
    Task<Alert> OpenAlertAsync(Alert alert, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resolves the open alerts of <paramref name="monitorName"/> with <paramref name="checkKey"/> that no monitor run
    /// will resolve (a suspension's alert on resume), audited as <c>alert.resolve</c> by <paramref name="actor"/> when
    /// any was open. Returns the alerts it resolved.
    /// </summary>
    Task<IReadOnlyList<Alert>> ResolveAlertsAsync(string monitorName, string checkKey, string actor, CancellationToken cancellationToken = default);
}
