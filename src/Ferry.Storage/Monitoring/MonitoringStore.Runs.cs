using Ferry.Core.Audit;
using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

public sealed partial class MonitoringStore
{
    /// <inheritdoc />
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

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitorReport>> ListReportsAsync(string monitorName, int limit, CancellationToken cancellationToken = default) =>
        await db.MonitorReports.AsNoTracking()
            .Where(r => r.MonitorName == monitorName)
            .OrderByDescending(r => r.RanAt).ThenByDescending(r => r.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .ToListAsync(cancellationToken);

    /// <inheritdoc />
    public Task<MonitorReport?> FindReportAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.MonitorReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    /// <inheritdoc />
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

    /// <inheritdoc />
    public Task<Alert> OpenAlertAsync(Alert alert, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        alert.Id = Guid.CreateVersion7();
        alert.Status = AlertStatus.Open;
        alert.OpenedAt = now;
        alert.LastSeenAt = now;
        alert.Occurrences = 1;
        return writer.RunAsync(actor, (context, _) =>
        {
            context.Alerts.Add(alert);
            return Task.FromResult((alert, AuditRecord.Of("alert.open", $"alert/{alert.Id}", new { alert.MonitorName, alert.EndpointName, alert.CheckKey, alert.Message })));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Alert>> ResolveAlertsAsync(string monitorName, string checkKey, string actor, CancellationToken cancellationToken = default)
    {
        if (!await db.Alerts.AnyAsync(a => a.MonitorName == monitorName && a.CheckKey == checkKey && a.Status == AlertStatus.Open, cancellationToken))
        {
            return [];
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return await writer.RunAsync(actor, async (context, ct) =>
        {
            var open = await context.Alerts.Where(a => a.MonitorName == monitorName && a.CheckKey == checkKey && a.Status == AlertStatus.Open).ToListAsync(ct);
            foreach (var alert in open)
            {
                alert.Status = AlertStatus.Resolved;
                alert.ResolvedAt = now;
            }

            return ((IReadOnlyList<Alert>)open, AuditRecord.Of("alert.resolve", $"alert/{monitorName}/{checkKey}", new { resolved = open.Select(a => a.Id).ToArray() }));
        }, cancellationToken);
    }
}
