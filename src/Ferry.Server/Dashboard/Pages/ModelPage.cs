using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Core.Serving;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>One registered model: its versions, aliases, where each is served, and links to the model cards.</summary>
public static class ModelPage
{
    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string name, IRegistryStore registry, IEndpointStore endpoints, IReferenceProfileStore monitoring, IReferenceJobStore jobs, CardFieldsReader cards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(monitoring);
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(jobs);
        var model = (await registry.ListModelsAsync(cancellationToken)).FirstOrDefault(m => m.Name == name);
        if (model is null)
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
                <td><a href="{DashboardLinks.Card(name, version.Version)}">Model card<span class="visually-hidden"> of v{version.Version}</span></a></td></tr>
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
                Html.Raw("<th scope=\"col\">Version</th><th scope=\"col\">Registered</th><th scope=\"col\">Aliases</th><th scope=\"col\">Flavor</th><th scope=\"col\">Stage</th><th scope=\"col\">Served by</th><th scope=\"col\"><abbr title=\"The training data profile that drift is measured against\">Reference</abbr></th><th scope=\"col\">Card</th>"),
                Html.Join(rows));
        return Layout.Page(context, Layout.Section.Models, name, Html.Text("Versions of this model, their aliases, where they are served and their model cards."),
            Html.Join([facts, Html.Raw("<h2>Versions</h2>"), table]), new Crumb("Models", DashboardLinks.Home));
    }

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
