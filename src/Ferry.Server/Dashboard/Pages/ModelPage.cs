using System.Text.Json;
using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Governance;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>One registered model: its versions, aliases, where each is served, links to the model cards, its promotion policy and its promotion history.</summary>
public static class ModelPage
{
    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string name, IRegistryStore registry, IEndpointStore endpoints, IReferenceProfileStore monitoring, IReferenceJobStore jobs, CardFieldsReader cards, PolicyResolver policies, PromotionService promotions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(monitoring);
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(promotions);
        var model = (await registry.ListModelsAsync(cancellationToken)).FirstOrDefault(m => m.Name == name);
        if (model is null || !await DashboardPermissions.MayAsync(context, name, PermissionLevel.Read, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No model is named '{name}'.");
        }

        var versions = model.Versions.Where(v => !v.IsDeleted).OrderByDescending(v => v.Version).ToList();
        var served = await endpoints.ListAsync(cancellationToken);
        var latest = versions.FirstOrDefault()?.Version ?? 0;
        var fields = await cards.FieldsAsync(name, latest, cancellationToken);
        var rows = new List<Html>(versions.Count);
        foreach (var version in versions)
        {
            var aliases = model.Aliases.Where(a => a.Version == version.Version).Select(a => a.Alias).Order(StringComparer.Ordinal).ToList();
            var where = served.Where(e => InventoryPage.ActiveRoutes(e).Any(r => r.ModelName == name
                && (r.Version == version.Version || (r.Alias is { } alias && aliases.Contains(alias))))).ToList();
            var reference = await monitoring.FindReferenceAsync(name, version.Version, cancellationToken);
            var job = await jobs.FindLatestAsync(name, version.Version, cancellationToken);
            rows.Add(Html.Of($"""
                <tr><th scope="row">v{version.Version}</th><td>{Ui.Time(version.CreationTimestamp)}</td>
                <td>{(aliases.Count == 0 ? Html.Text("–") : Html.Each(aliases, a => Html.Of($"<code>{a}</code> ")))}</td>
                <td>{version.Flavor ?? "–"}</td><td>{version.CurrentStage}</td>
                <td>{(where.Count == 0 ? Html.Text("–") : Html.Each(where, e => Html.Of($"<a href=\"{DashboardLinks.Endpoint(e.Name)}\">{e.Name}</a> ")))}</td>
                <td>{ReferenceCell(reference, job)}</td>
                <td>{(string.IsNullOrEmpty(version.RunId) ? Html.Text("–") : Html.Of($"<a href=\"{DashboardLinks.Run(version.RunId)}\" class=\"source-run\">Run<span class=\"visually-hidden\"> that produced v{version.Version}</span></a>"))}</td>
                <td><a href="{DashboardLinks.Card(name, version.Version)}">Model card<span class="visually-hidden"> of v{version.Version}</span></a> · <a href="{DashboardLinks.Documentation(name, version.Version)}">Technical documentation<span class="visually-hidden"> of v{version.Version}</span></a></td></tr>
                """));
        }

        var facts = Html.Of($"""
            <dl class="facts">
            <dt>Owner</dt><dd>{fields.Owner ?? "not recorded on the model card"}</dd>
            <dt>Intended use</dt><dd>{fields.IntendedUse ?? "not recorded on the model card"}</dd>
            <dt>Description</dt><dd>{(string.IsNullOrWhiteSpace(model.Description) ? "–" : model.Description)}</dd>
            <dt>Registered</dt><dd>{Ui.Time(model.CreationTimestamp)} by {(string.IsNullOrEmpty(model.UserId) ? "–" : model.UserId)}</dd>
            </dl>
            """);
        var table = versions.Count == 0
            ? Ui.Empty("This model has no version yet.", Html.Of($"Register one: <code>./ferry models register model.onnx --name {name}</code>."))
            : Ui.Table("Versions, newest first",
                Html.Raw("<th scope=\"col\">Version</th><th scope=\"col\">Registered</th><th scope=\"col\">Aliases</th><th scope=\"col\">Flavor</th><th scope=\"col\">Stage</th><th scope=\"col\">Served by</th><th scope=\"col\"><abbr title=\"The training data profile that drift is measured against\">Reference</abbr></th><th scope=\"col\">Source run</th><th scope=\"col\">Card</th>"),
                Html.Join(rows));
        var policy = await policies.ResolveAsync(name, cancellationToken);
        var history = await promotions.ListAsync(name, null, cancellationToken);
        return Layout.Page(context, Layout.Section.Models, name, Html.Text("Versions of this model, their aliases, where they are served, their model cards, and how the model is promoted."),
            Html.Join([facts, Html.Raw("<h2>Versions</h2>"), table, Html.Raw("<h2 id=\"policy\">Promotion policy</h2>"), Policy(name, policy),
                Html.Raw("<h2 id=\"promotions\">Promotion history</h2>"), History(name, history)]), new Crumb("Models", DashboardLinks.Home));
    }

    /// <summary>The effective policy: tier, approvals, approvers, gates and thresholds, revision and who set it.</summary>
    private static Html Policy(string name, EffectivePolicy effective)
    {
        var p = effective.Policy;
        var source = effective.Stored is { } stored
            ? Html.Of($"revision {effective.Revision}, set {Ui.Time(stored.CreatedAt)} by {stored.CreatedBy}")
            : Html.Text("the installation's default tier (no policy stored for this model yet)");
        var facts = Html.Of($"""
            <dl class="facts" id="policy-facts">
            <dt>Risk tier</dt><dd>{p.Tier.ToString().ToLowerInvariant()}</dd>
            <dt>Approvals needed</dt><dd>{(p.Governed ? Html.Text(p.Approvals.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Html.Raw("none: the champion alias and stages move directly"))}</dd>
            <dt>Approvers</dt><dd>{PromotionRequestPage.Approvers(p)}</dd>
            <dt>Canary share of a candidate</dt><dd>up to {Ui.Percent(p.CanaryShareMax, 0)} of traffic while its request is pending</dd>
            <dt>Requests expire</dt><dd>after {p.RequestExpiryHours} h</dd>
            <dt>Source</dt><dd>{source}</dd>
            </dl>
            """);
        var gates = JsonSerializer.SerializeToElement(p.Gates, PolicyJson.Options);
        var rows = Html.Each(gates.EnumerateObject(), g => Html.Of($"""
            <tr data-setting="{g.Name}"><th scope="row"><code>{g.Name}</code></th><td>{GateValue(g.Value)}</td></tr>
            """));
        var table = Ui.Table("Gate settings (a setting shown as off switches that check off)", Html.Raw("<th scope=\"col\">Setting</th><th scope=\"col\">Value</th>"), rows);
        var hint = Html.Of($"<p class=\"hint\">Change it with <code>./ferry models policy set {name} --tier low|medium|high</code> (admins).</p>");
        return Html.Join([facts, table, hint]);
    }

    private static string GateValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "off",
        JsonValueKind.True => "required",
        JsonValueKind.False => "not required",
        _ => value.ToString(),
    };

    /// <summary>Every promotion request of the model, newest first, with its state and a link.</summary>
    private static Html History(string name, IReadOnlyList<PromotionRequest> requests) =>
        requests.Count == 0
            ? Ui.Empty("No promotion has been requested for this model.", Html.Of($"Request one: <code>./ferry promote request {name} VERSION --target champion --justification \"...\"</code>."))
            : Ui.Table("Promotion requests, newest first",
                Html.Raw("<th scope=\"col\">Requested</th><th scope=\"col\" class=\"num\">Version</th><th scope=\"col\">Target</th><th scope=\"col\">State</th><th scope=\"col\">Requester</th><th scope=\"col\">Closed by</th><th scope=\"col\">Gates</th><th scope=\"col\">Request</th>"),
                Html.Each(requests, r => Html.Of($"""
                    <tr data-request="{r.Id}" data-state="{r.State}"><th scope="row">{Ui.Time(r.RequestedAt)}</th><td class="num">v{r.Version}</td>
                    <td><code>{PromotionRequestPage.Target(r)}</code></td><td>{PromotionRequestPage.StateBadge(r.State)}</td><td>{r.RequestedBy}</td>
                    <td>{r.ClosedBy ?? "–"}</td><td>{(r.GatesPassed ? Ui.Badge("passed", Ui.Tone.Ok) : Ui.Badge("failed", Ui.Tone.Fail))}</td>
                    <td><a href="{DashboardLinks.Promotion(r.Id)}">Open<span class="visually-hidden"> the request for v{r.Version} of {Ui.Time(r.RequestedAt)}</span></a></td></tr>
                    """)));

    /// <summary>The version's reference (its rows) and, while one is being built or when the last build failed, its job.</summary>
    private static Html ReferenceCell(ReferenceProfileEntry? reference, ReferenceJob? job)
    {
        var stored = reference is null ? Ui.Badge("none", Ui.Tone.Warn) : Ui.Badge($"{reference.Rows:N0} rows", Ui.Tone.Ok);
        if (job is { IsActive: true })
        {
            var percent = job.Total == 0 ? 0 : (int)(job.Done * 100 / job.Total);
            return Html.Of($"""
                <span class="reference-job" data-state="{job.State}">{Ui.Badge($"building: {job.Phase ?? job.State} {percent}%", Ui.Tone.Warn)}
                <progress max="{Math.Max(1, job.Total)}" value="{job.Done}" aria-label="Reference job progress">{percent}%</progress></span>
                {(reference is null ? Html.Text(string.Empty) : stored)}
                """);
        }

        if (job is { State: ReferenceJob.Failed } && (reference is null || job.CreatedAt > reference.CreatedAt))
        {
            return Html.Of($"""<span class="reference-job" data-state="failed" title="{job.Error}">{Ui.Badge("last build failed", Ui.Tone.Fail)}</span> {stored}""");
        }

        return stored;
    }
}
