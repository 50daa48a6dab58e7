using Ferry.Core.Governance;
using Ferry.Server.Governance;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// The approvals inbox: pending promotion requests of models the signed-in person may read and may decide (they satisfy the frozen policy's
/// approver role or group, and did not request it themselves unless the policy allows), oldest first; then the
/// person's own pending requests, which wait for others.
/// </summary>
public static class ApprovalsPage
{
    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, PromotionService service, PromotionAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(clock);
        var me = context.User.Identity?.Name ?? string.Empty;
        var all = await service.ListAsync(null, PromotionStates.Pending, cancellationToken);
        var readable = await DashboardPermissions.ReadableModelsAsync(context, all.Select(r => r.ModelName), cancellationToken);
        var pending = all.Where(r => readable.Contains(r.ModelName)).OrderBy(r => r.RequestedAt).ToList();
        var mine = pending.Where(r => string.Equals(r.RequestedBy, me, StringComparison.Ordinal)).ToList();
        var inbox = new List<(PromotionRequest Request, PromotionActions Actions)>();
        foreach (var request in pending.Where(r => !string.Equals(r.RequestedBy, me, StringComparison.Ordinal)))
        {
            var actions = await access.ForAsync(request, context.User, cancellationToken);
            if (actions.IsEligibleApprover)
            {
                inbox.Add((request, actions));
            }
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var head = Html.Raw("<th scope=\"col\">Request</th><th scope=\"col\">Model</th><th scope=\"col\" class=\"num\">Version</th><th scope=\"col\">Target</th><th scope=\"col\">Requester</th><th scope=\"col\">Age</th><th scope=\"col\">Gates</th><th scope=\"col\" class=\"num\">Approvals</th><th scope=\"col\">Expires</th>");
        var inboxTable = inbox.Count == 0
            ? Ui.Empty("Nothing waits for your decision.", Html.Text("Requests you may approve or reject appear here: those whose policy's approver role or group you hold, opened by someone else."))
            : Ui.Table($"{inbox.Count} request(s) waiting for your decision, oldest first", head, Html.Each(inbox, i => Row(i.Request, now, i.Actions.MayApprove ? null : i.Actions.Why)));
        var mineTable = mine.Count == 0
            ? Html.Raw("<p class=\"hint\">You have no pending request.</p>")
            : Ui.Table($"{mine.Count} request(s) you opened, waiting for others", head, Html.Each(mine, r => Row(r, now, null)));
        return Layout.Page(context, Layout.Section.Approvals, "Approvals",
            Html.Text("Promotion requests waiting for a decision. Open one to read its frozen evidence and approve or reject it."),
            Html.Join([Html.Raw("<h2 id=\"inbox\">Waiting for you</h2>"), Html.Of($"<div id=\"inbox-list\">{inboxTable}</div>"), Html.Raw("<h2 id=\"mine\">Your requests</h2>"), Html.Of($"<div id=\"mine-list\">{mineTable}</div>")]));
    }

    private static Html Row(PromotionRequest request, long now, string? note)
    {
        var (pass, fail, na) = PromotionEvidenceSections.Counts(PromotionAccess.EvidenceOf(request));
        var gates = Html.Of($"{(fail == 0 ? Ui.Badge($"{pass} passed", Ui.Tone.Ok) : Ui.Badge($"{fail} failed", Ui.Tone.Fail))}<br><span class=\"hint\">{pass} pass · {fail} fail · {na} n/a</span>");
        return Html.Of($"""
            <tr data-request="{request.Id}"><th scope="row"><a href="{DashboardLinks.Promotion(request.Id)}">Open<span class="visually-hidden"> the request for {request.ModelName} v{request.Version}</span></a>{(note is null ? Html.Empty : Html.Of($"<br><span class=\"hint\">{note}</span>"))}</th>
            <td><a href="{DashboardLinks.Model(request.ModelName)}">{request.ModelName}</a></td><td class="num">v{request.Version}</td>
            <td><code>{PromotionRequestPage.Target(request)}</code></td><td>{request.RequestedBy}</td>
            <td>{Age(now - request.RequestedAt)}</td><td>{gates}</td>
            <td class="num">{PromotionAccess.ApprovalsSoFar(request)} of {PromotionAccess.ApprovalsNeeded(request)}</td>
            <td>{Ui.Time(request.ExpiresAt)}</td></tr>
            """);
    }

    /// <summary>A duration in words: minutes under two hours, hours under two days, days beyond.</summary>
    public static string Age(long milliseconds)
    {
        var span = TimeSpan.FromMilliseconds(Math.Max(0, milliseconds));
        return span.TotalHours < 2 ? $"{(int)span.TotalMinutes} min" : span.TotalDays < 2 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalDays} days";
    }
}
