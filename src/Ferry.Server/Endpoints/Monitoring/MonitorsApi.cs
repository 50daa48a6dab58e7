using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;

namespace Ferry.Server.Endpoints.Monitoring;

/// <summary>
/// Monitors (<c>/api/v1/monitors</c>): create or replace (PUT, scientist), list and show (viewer), delete (scientist),
/// run now (POST <c>/{name}/run</c>, scientist; <c>?end=</c> sets the window's end) and read reports (viewer).
/// </summary>
public static class MonitorsApi
{
    /// <summary>Maps the monitor routes.</summary>
    public static IEndpointRouteBuilder MapMonitorsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/monitors").WithTags("Monitoring").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("", ListAsync).WithName("ListMonitors").WithSummary("Every monitor with its latest report.");
        group.MapGet("/{name}", GetAsync).WithName("GetMonitor").WithSummary("One monitor with its latest report.");
        group.MapPut("/{name}", PutAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SaveMonitor")
            .WithSummary("Creates or replaces a monitor: {\"endpoint\": \"...\", \"spec\": {window, schedule, drift, quality, performance}}.");
        group.MapDelete("/{name}", DeleteAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("DeleteMonitor");
        group.MapPost("/{name}/run", RunAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("RunMonitor")
            .WithSummary("Runs the monitor now and answers its report; ?end= (ISO 8601 or epoch ms) ends the window there.");
        group.MapGet("/{name}/reports", ReportsAsync).WithName("ListMonitorReports").WithSummary("The latest reports, newest first (?limit=, default 50).");
        group.MapGet("/{name}/reports/{id:guid}", ReportAsync).WithName("GetMonitorReport").WithSummary("One full report.");
        return routes;
    }

    /// <summary>Creates or replaces a monitor.</summary>
    public static async Task<IResult> PutAsync(string name, HttpRequest request, IEndpointStore endpoints, IMonitorStore store, MonitorSchedules schedules, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(schedules);
        var body = await RequestJson.DeserializeAsync(request, MonitoringJsonContext.Default.MonitorBody, cancellationToken);

        MonitorNames.Check(name);
        if (body?.Endpoint is not { Length: > 0 } endpoint)
        {
            throw new ValidationException("endpoint", "is required");
        }

        if (await endpoints.GetAsync(endpoint, cancellationToken) is null)
        {
            throw new ValidationException("endpoint", $"no endpoint is named '{endpoint}'");
        }

        var spec = body.Spec ?? new MonitorSpec();
        MonitorSpecValidation.Check(spec);
        var saved = await store.SaveMonitorAsync(name, endpoint, JsonSerializer.Serialize(spec, MonitoringJsonContext.Default.MonitorSpec), user.ActorName(), cancellationToken);
        await schedules.ApplyAsync(name, spec.Schedule, cancellationToken);
        return TypedResults.Json(await ViewAsync(saved, store, schedules, cancellationToken), MonitoringJsonContext.Default.MonitorView);
    }

    /// <summary>Every monitor.</summary>
    public static async Task<IResult> ListAsync(IMonitorStore store, MonitorSchedules schedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var views = new List<MonitorView>();
        foreach (var monitor in await store.ListMonitorsAsync(cancellationToken))
        {
            views.Add(await ViewAsync(monitor, store, schedules, cancellationToken));
        }

        return TypedResults.Json(new MonitorListView(views), MonitoringJsonContext.Default.MonitorListView);
    }

    /// <summary>One monitor.</summary>
    public static async Task<IResult> GetAsync(string name, IMonitorStore store, MonitorSchedules schedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var monitor = await store.FindMonitorAsync(name, cancellationToken) ?? throw new NotFoundException($"No monitor is named '{name}'.");
        return TypedResults.Json(await ViewAsync(monitor, store, schedules, cancellationToken), MonitoringJsonContext.Default.MonitorView);
    }

    /// <summary>Deletes a monitor and its schedule.</summary>
    public static async Task<IResult> DeleteAsync(string name, IMonitorStore store, MonitorSchedules schedules, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(schedules);
        await store.DeleteMonitorAsync(name, user.ActorName(), cancellationToken);
        await schedules.ApplyAsync(name, null, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Runs a monitor now.</summary>
    public static async Task<IResult> RunAsync(string name, string? end, MonitorRunner runner, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var report = await runner.RunAsync(name, ParseEnd(end), "manual", user.ActorName(), cancellationToken);
        return TypedResults.Json(View(report, full: true), MonitoringJsonContext.Default.ReportView);
    }

    /// <summary>A monitor's latest reports.</summary>
    public static async Task<IResult> ReportsAsync(string name, int? limit, IMonitorStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        _ = await store.FindMonitorAsync(name, cancellationToken) ?? throw new NotFoundException($"No monitor is named '{name}'.");
        var reports = await store.ListReportsAsync(name, limit ?? 50, cancellationToken);
        return TypedResults.Json(new ReportListView([.. reports.Select(r => View(r, full: false))]), MonitoringJsonContext.Default.ReportListView);
    }

    /// <summary>One report.</summary>
    public static async Task<IResult> ReportAsync(string name, Guid id, IMonitorStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var report = await store.FindReportAsync(id, cancellationToken);
        if (report is null || report.MonitorName != name)
        {
            throw new NotFoundException($"Monitor '{name}' has no report {id}.");
        }

        return TypedResults.Json(View(report, full: true), MonitoringJsonContext.Default.ReportView);
    }

    /// <summary>A report as the API shows it.</summary>
    public static ReportView View(MonitorReport report, bool full)
    {
        ArgumentNullException.ThrowIfNull(report);
        var body = full ? JsonSerializer.Deserialize(report.ReportJson, MonitoringJsonContext.Default.MonitorReportBody) : null;
        return new ReportView(report.Id, report.MonitorName, report.EndpointName, AlertView.Iso(report.RanAt), AlertView.Iso(report.WindowStart),
            AlertView.Iso(report.WindowEnd), report.Status, report.Trigger, report.FailedChecks, body);
    }

    private static async Task<MonitorView> ViewAsync(MonitorDefinition monitor, IMonitorStore store, MonitorSchedules schedules, CancellationToken cancellationToken)
    {
        var spec = JsonSerializer.Deserialize(monitor.SpecJson, MonitoringJsonContext.Default.MonitorSpec)!;
        var latest = await store.ListReportsAsync(monitor.Name, 1, cancellationToken);
        var last = latest.Count > 0 ? latest[0] : null;
        var next = await schedules.NextRunAsync(monitor.Name, cancellationToken);
        return new MonitorView(monitor.Name, monitor.EndpointName, spec, monitor.CreatedBy, AlertView.Iso(monitor.CreatedAt), AlertView.Iso(monitor.UpdatedAt),
            next is { } n ? AlertView.Iso(n.ToUnixTimeMilliseconds()) : null, last is null ? null : View(last, full: false));
    }

    private static long? ParseEnd(string? end)
    {
        if (string.IsNullOrWhiteSpace(end))
        {
            return null;
        }

        if (long.TryParse(end, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        return DateTimeOffset.TryParse(end, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUnixTimeMilliseconds()
            : throw new ValidationException("end", "must be an ISO 8601 time or epoch milliseconds");
    }
}
