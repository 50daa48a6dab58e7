using Ferry.Core.Monitoring;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>Alerts raised by monitors: open first, with what failed and since when.</summary>
public static class AlertsPage
{
    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string? status, IAlertStore monitoring, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(monitoring);
        var filter = status is AlertStatus.Open or AlertStatus.Resolved ? status : null;
        var alerts = await monitoring.ListAlertsAsync(filter, null, 500, cancellationToken);
        var ordered = alerts.OrderBy(a => a.Status == AlertStatus.Open ? 0 : 1).ThenByDescending(a => a.LastSeenAt).ToList();
        var form = Html.Of($"""
            <form class="filters" method="get" action="{DashboardLinks.Alerts()}">
            <label for="alert-status">Show
            <select id="alert-status" name="status">
            <option value=""{(filter is null ? Html.Raw(" selected") : Html.Empty)}>all alerts</option>
            <option value="open"{(filter == AlertStatus.Open ? Html.Raw(" selected") : Html.Empty)}>open only</option>
            <option value="resolved"{(filter == AlertStatus.Resolved ? Html.Raw(" selected") : Html.Empty)}>resolved only</option>
            </select></label>
            <button type="submit">Apply</button>
            </form>
            """);
        var body = ordered.Count == 0
            ? Ui.Empty(filter == AlertStatus.Open ? "No alert is open: every monitored check passes." : "No alert has been raised.",
                Html.Of($"Alerts open when a monitor's check fails. Create a monitor with <code>./ferry monitor create NAME --endpoint ENDPOINT</code>; add a webhook with <code>./ferry alerts webhooks add NAME URL</code> to be told."))
            : Ui.Table($"{ordered.Count} alert(s), open first",
                Html.Raw("<th scope=\"col\">Status</th><th scope=\"col\">Endpoint</th><th scope=\"col\">Check</th><th scope=\"col\">What failed</th><th scope=\"col\">Opened</th><th scope=\"col\">Last seen</th><th scope=\"col\" class=\"num\">Failed runs</th>"),
                Html.Each(ordered, a => Html.Of($"""
                    <tr><td>{(a.Status == AlertStatus.Open ? Ui.Badge("Open", Ui.Tone.Fail) : Ui.Badge("Resolved", Ui.Tone.Ok))}</td>
                    <td><a href="{(a.CheckKey.StartsWith("performance", StringComparison.Ordinal) || a.CheckKey.StartsWith("estimated", StringComparison.Ordinal) ? DashboardLinks.Performance(a.EndpointName) : DashboardLinks.Drift(a.EndpointName))}">{a.EndpointName}</a></td>
                    <td><code>{a.CheckKey}</code><br><span class="hint">monitor {a.MonitorName}</span></td><td>{a.Message}</td>
                    <td>{Ui.Time(a.OpenedAt)}</td><td>{(a.ResolvedAt is { } resolved ? Html.Of($"resolved {Ui.Time(resolved)}") : Ui.Time(a.LastSeenAt))}</td><td class="num">{a.Occurrences}</td></tr>
                    """)));
        return Layout.Page(context, Layout.Section.Alerts, "Alerts",
            Html.Text("A monitor opens an alert when one of its checks fails, updates it while the check keeps failing, and resolves it when the check passes again."),
            Html.Join([form, body]));
    }
}
