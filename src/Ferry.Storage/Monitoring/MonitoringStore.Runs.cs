using Ferry.Core.Audit;
using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>A check's outcome as the alert bookkeeping needs it.</summary>
/// <param name="Key">Stable key, e.g. <c>drift:income</c>.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Message">What it found, in words.</param>
public sealed record CheckOutcome(string Key, bool Passed, string Message);

/// <summary>An alert that a run opened or resolved (to be posted to webhooks).</summary>
/// <param name="Alert">The alert after the change.</param>
/// <param name="Event"><c>opened</c> or <c>resolved</c>.</param>
public sealed record AlertChange(Alert Alert, string Event);

public sealed partial class MonitoringStore
{
    /// <summary>
    /// Stores a run's report and updates alerts in one audited transaction: a failed check opens an alert unless one is
    /// open for it (then that one is updated), a passed check resolves the open one. Returns the alerts opened and resolved.
    /// </summary>
    public Task<IReadOnlyList<AlertChange>> SaveRunAsync(MonitorReport report, IReadOnlyList<CheckOutcome> checks, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(checks);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            context.MonitorReports.Add(report);
            var open = await context.Alerts
                .Where(a => a.MonitorName == report.MonitorName && a.Status == AlertStatus.Open)
                .ToDictionaryAsync(a => a.CheckKey, StringComparer.Ordinal, ct);
            var changes = new List<AlertChange>();
            foreach (var check in checks)
            {
                open.TryGetValue(check.Key, out var alert);
                if (!check.Passed && alert is null)
                {
                    alert = new Alert
                    {
                        Id = Guid.CreateVersion7(),
                        MonitorName = report.MonitorName,
                        EndpointName = report.EndpointName,
                        CheckKey = check.Key,
                        Status = AlertStatus.Open,
                        Message = check.Message,
                        OpenedAt = report.RanAt,
                        LastSeenAt = report.RanAt,
                        Occurrences = 1,
                        OpenedByReportId = report.Id,
                        LastReportId = report.Id,
                    };
                    context.Alerts.Add(alert);
                    changes.Add(new AlertChange(alert, "opened"));
                }
                else if (!check.Passed && alert is not null)
                {
                    alert.Message = check.Message;
                    alert.LastSeenAt = report.RanAt;
                    alert.LastReportId = report.Id;
                    alert.Occurrences++;
                }
                else if (check.Passed && alert is not null)
                {
                    alert.Status = AlertStatus.Resolved;
                    alert.ResolvedAt = report.RanAt;
                    alert.LastReportId = report.Id;
                    changes.Add(new AlertChange(alert, "resolved"));
                }
            }

            var summary = new
            {
                report = report.Id,
                status = report.Status,
                failed = report.FailedChecks,
                opened = changes.Count(c => c.Event == "opened"),
                resolved = changes.Count(c => c.Event == "resolved"),
            };
            return ((IReadOnlyList<AlertChange>)changes, AuditRecord.Of("monitor.run", report.MonitorName, summary));
        }, cancellationToken);
    }

    /// <summary>A monitor's latest reports, newest first.</summary>
    public async Task<IReadOnlyList<MonitorReport>> ListReportsAsync(string monitorName, int limit, CancellationToken cancellationToken = default) =>
        await db.MonitorReports.AsNoTracking()
            .Where(r => r.MonitorName == monitorName)
            .OrderByDescending(r => r.RanAt).ThenByDescending(r => r.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .ToListAsync(cancellationToken);

    /// <summary>One report, or null.</summary>
    public Task<MonitorReport?> FindReportAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.MonitorReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    /// <summary>Alerts, newest first, optionally only those with a status or of one monitor.</summary>
    public async Task<IReadOnlyList<Alert>> ListAlertsAsync(string? status, string? monitorName, int limit, CancellationToken cancellationToken = default)
    {
        var alerts = db.Alerts.AsNoTracking();
        if (status is not null)
        {
            alerts = alerts.Where(a => a.Status == status);
        }

        if (monitorName is not null)
        {
            alerts = alerts.Where(a => a.MonitorName == monitorName);
        }

        return await alerts.OrderByDescending(a => a.OpenedAt).ThenByDescending(a => a.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit)).ToListAsync(cancellationToken);
    }
}
