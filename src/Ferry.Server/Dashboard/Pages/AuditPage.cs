using System.Globalization;
using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Ferry.Server.Identity;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>The audit trail, newest first, filtered by actor, action and target; every change Ferry accepted is here.</summary>
public static class AuditPage
{
    private const int PageSize = 100;

    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string? actor, string? action, string? target, long? before, IAuditLog audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(audit);
        var role = FerryPolicies.RoleOf(context.User);
        if (role is not { } held || !held.Satisfies(Role.Approver))
        {
            // The same rule as GET /api/v1/audit: the trail names every actor and change, so it needs an approver.
            return Layout.Page(context, StatusCodes.Status403Forbidden, Layout.Section.Audit, "Audit log", Html.Empty,
                Ui.Empty("The audit log needs an approver or admin token.", Html.Of($"You are signed in as a {role?.ToWireName() ?? "viewer"}. Sign out and sign in with an approver token (<code>./ferry tokens create --name NAME --role approver</code>).")));
        }

        actor = Clean(actor);
        action = Clean(action);
        target = Clean(target);
        var events = await audit.QueryAsync(new AuditQuery { Actor = actor, Action = action, Target = target, BeforeSequence = before, NewestFirst = true, Limit = PageSize }, cancellationToken);
        var form = Html.Of($"""
            <form class="filters" method="get" action="{DashboardLinks.Audit}">
            <label for="audit-actor">Who (token name)<input id="audit-actor" name="actor" value="{actor}"></label>
            <label for="audit-action">Action (e.g. <code>endpoint.deploy</code>, or a prefix ending in a dot)<input id="audit-action" name="action" value="{action}"></label>
            <label for="audit-target">Target (e.g. <code>endpoint/credit</code>)<input id="audit-target" name="target" value="{target}"></label>
            <button type="submit">Filter</button>
            </form>
            """);
        var body = events.Count == 0
            ? Ui.Empty("No audit event matches.", Html.Text("Every change made through Ferry (tokens, models, deployments, monitors, feedback) writes an event; clear the filters to see them all."))
            : Ui.Table("Audit events, newest first",
                Html.Raw("<th scope=\"col\" class=\"num\">#</th><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">Action</th><th scope=\"col\">Target</th><th scope=\"col\">Change</th>"),
                Html.Each(events, e => Html.Of($"<tr><td class=\"num\">{e.Sequence}</td><td>{Ui.Time(e.OccurredAt)}</td><td>{e.Actor}</td><td><code>{e.Action}</code></td><td>{e.Target}</td><td>{Shorten(e.Summary)}</td></tr>")));
        var next = events.Count == PageSize
            ? Html.Of($"<p><a href=\"{DashboardLinks.Audit}?{Query(actor, action, target, events[^1].Sequence)}\">Older events</a></p>")
            : Html.Empty;
        return Layout.Page(context, Layout.Section.Audit, "Audit log",
            Html.Text("Who changed what, and when. Events are hash-chained: `ferry audit verify` proves none was edited or removed."),
            Html.Join([form, body, next]));
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..299] + "…";

    private static string Query(string? actor, string? action, string? target, long before)
    {
        var parts = new List<string>();
        foreach (var (key, value) in new[] { ("actor", actor), ("action", action), ("target", target) })
        {
            if (value is not null)
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        parts.Add("before=" + before.ToString(CultureInfo.InvariantCulture));
        return string.Join('&', parts);
    }
}
