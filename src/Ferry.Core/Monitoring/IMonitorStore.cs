namespace Ferry.Core.Monitoring;

/// <summary>
/// Port: monitors, their runs' reports, and the alerts a run opens or resolves. Changes are audited as the given actor's.
/// </summary>
public interface IMonitorStore
{
    /// <summary>Creates a monitor, or replaces the spec of the one with that name.</summary>
    Task<MonitorDefinition> SaveMonitorAsync(string name, string endpointName, string specJson, string actor, CancellationToken cancellationToken = default);

    /// <summary>One monitor, or null.</summary>
    Task<MonitorDefinition?> FindMonitorAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every monitor, by name.</summary>
    Task<IReadOnlyList<MonitorDefinition>> ListMonitorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a monitor (its reports and alerts stay, for the record).</summary>
    /// <exception cref="Errors.NotFoundException">No monitor has that name.</exception>
    Task DeleteMonitorAsync(string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a run's report and updates alerts in one audited transaction: a failed check opens an alert unless one is
    /// open for it (then that one is updated), a passed check resolves the open one. Returns the alerts opened and resolved.
    /// </summary>
    Task<IReadOnlyList<AlertChange>> SaveRunAsync(MonitorReport report, IReadOnlyList<CheckOutcome> checks, string actor, CancellationToken cancellationToken = default);

    /// <summary>A monitor's latest reports, newest first (at most <paramref name="limit"/>, clamped to 1..1000).</summary>
    Task<IReadOnlyList<MonitorReport>> ListReportsAsync(string monitorName, int limit, CancellationToken cancellationToken = default);

    /// <summary>One report, or null.</summary>
    Task<MonitorReport?> FindReportAsync(Guid id, CancellationToken cancellationToken = default);
}
