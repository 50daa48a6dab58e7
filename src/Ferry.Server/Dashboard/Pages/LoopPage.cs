using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Core.Pipelines;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// The closed loop of one endpoint (<c>/ui/endpoints/{name}/loop</c>): for each of its pipelines the configured triggers
/// and recent firings, the runs (phase, process, dataset, tracking run, challenger); the latest challenger evaluation;
/// the canary ramps with rollbacks first; pending promotion requests of governed runs. Read from the loop's stores only.
/// </summary>
internal static class LoopPage
{
    /// <summary>How many runs and firings per pipeline the page lists.</summary>
    public const int Recent = 20;

    /// <summary>Renders the page (READ on every model the endpoint serves; pipelines of other models need READ on theirs).</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string name, IPipelineStore pipelines, ITrainingDatasetStore datasets,
        IChallengerEvaluationStore evaluations, IRolloutStore rollouts, IPromotionStore promotions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var view = await EndpointView.LoadAsync(name, null, context.RequestServices, clock, cancellationToken);
        if (view is null || !await DashboardPermissions.MayReadAsync(context, view, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No endpoint is named '{name}'.");
        }

        var all = await pipelines.ListAsync(name, cancellationToken);
        var readable = await DashboardPermissions.ReadableModelsAsync(context, all.Select(p => p.ModelName), cancellationToken);
        var mine = all.Where(p => readable.Contains(p.ModelName)).ToList();
        var sections = new List<Html>();
        var awaiting = new List<PipelineRun>();
        foreach (var pipeline in mine)
        {
            var runs = await pipelines.ListRunsAsync(pipeline.Name, null, Recent, cancellationToken);
            awaiting.AddRange(runs.Where(r => r.Phase == LoopPhases.AwaitingApproval && r.PromotionRequestId is not null));
            var firings = await pipelines.ListFiringsAsync(pipeline.Name, Recent, cancellationToken);
            sections.Add(await PipelineAsync(pipeline, runs, firings, datasets, cancellationToken));
        }

        var pipelinesBody = mine.Count == 0
            ? Ui.Empty("No pipeline yet.", Html.Of($"Create one: <code>./ferry pipelines create NAME --endpoint {name} --model MODEL -- python3 train.py</code> (see docs/loop.md); its runs, evaluations and ramps then show here."))
            : Html.Join(sections);
        var latest = await evaluations.ListAsync(name, 1, cancellationToken) is { Count: > 0 } newest ? newest[0] : null;
        Html evaluation;
        if (latest is null || (!readable.Contains(latest.ModelName) && !await DashboardPermissions.MayAsync(context, latest.ModelName, PermissionLevel.Read, cancellationToken)))
        {
            evaluation = Ui.Empty("No challenger evaluation yet.", Html.Text("When a pipeline run registers a new version, it is compared with the champion here."));
        }
        else
        {
            var run = latest.PipelineRunId is { } runId ? await pipelines.FindRunAsync(runId, cancellationToken) : null;
            evaluation = Html.Of($"<p><a href=\"{DashboardLinks.Evaluation(latest.Id)}\">Open this evaluation on its own page</a></p>{EvaluationPage.Render(latest, run, "latest")}");
        }

        var ramps = await RolloutSection.RenderAsync(name, rollouts, pipelines, clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        var requests = await RequestsAsync(awaiting, promotions, cancellationToken);
        var body = Html.Of($"""
            {view.Tabs("Loop")}
            {requests}
            <h2 id="ramp">The ramp</h2>
            {ramps}
            <h2 id="pipelines">Pipelines</h2>
            {pipelinesBody}
            <h2 id="challenger">Challenger against champion</h2>
            {evaluation}
            """);
        return Layout.Page(context, Layout.Section.Models, $"Loop of {name}",
            Html.Text("Triggers, pipeline runs with their logs, challenger against champion, and the canary ramp, newest first."),
            body, view.Crumbs(includeSelf: true));
    }

    private static async Task<Html> PipelineAsync(TrainingPipeline pipeline, IReadOnlyList<PipelineRun> runs, IReadOnlyList<TriggerFiring> firings, ITrainingDatasetStore datasets, CancellationToken cancellationToken)
    {
        PipelineSpec spec;
        try
        {
            spec = pipeline.Spec();
        }
        catch (System.Text.Json.JsonException)
        {
            spec = new PipelineSpec();
        }

        var byId = runs.ToDictionary(r => r.Id);
        var firingRows = Html.Each(firings, f => Html.Of($"<tr data-firing=\"{f.Id}\" data-outcome=\"{f.Outcome}\"><td>{Ui.Time(f.At)}</td><td>{f.Kind}</td><td class=\"reason\">{f.Reason}</td><td>{LoopParts.Outcome(f.Outcome)}</td><td>{(f.RunId is { } id && byId.TryGetValue(id, out var run) ? Html.Of($"<a href=\"{DashboardLinks.PipelineRun(run.PipelineName, run.Number)}\">#{run.Number}</a>") : Html.Text("–"))}</td></tr>"));
        var firingTable = firings.Count == 0
            ? Html.Of($"<p class=\"hint\">No trigger has fired yet.</p>")
            : Ui.Table($"Recent firings of {pipeline.Name}", Html.Raw("<th scope=\"col\">When</th><th scope=\"col\">Kind</th><th scope=\"col\">Why</th><th scope=\"col\">Outcome</th><th scope=\"col\">Run</th>"), firingRows);
        var runRows = new List<Html>(runs.Count);
        foreach (var run in runs)
        {
            var dataset = run.DatasetId is { } datasetId ? await datasets.FindAsync(datasetId, cancellationToken) : null;
            runRows.Add(RunRow(pipeline, run, dataset));
        }

        var runTable = runs.Count == 0
            ? Ui.Empty("No run yet.", Html.Of($"Start one: <code>./ferry pipelines run {pipeline.Name}</code>, or wait for a trigger."))
            : Ui.Table($"Runs of {pipeline.Name}",
                Html.Raw("<th scope=\"col\">Run</th><th scope=\"col\">Trigger</th><th scope=\"col\">Phase</th><th scope=\"col\">Process</th><th scope=\"col\">Queued</th><th scope=\"col\">Ended</th><th scope=\"col\">Dataset</th><th scope=\"col\">Tracking run</th><th scope=\"col\">Challenger</th>"),
                Html.Join(runRows));
        return Html.Of($"""
            <section class="pipeline" id="pipeline-{pipeline.Name}" data-pipeline="{pipeline.Name}" aria-labelledby="pipeline-{pipeline.Name}-title">
            <h3 id="pipeline-{pipeline.Name}-title">Pipeline {pipeline.Name}</h3>
            <p>Trains <a href="{DashboardLinks.Model(pipeline.ModelName)}">{pipeline.ModelName}</a>{(pipeline.ExperimentName.Length == 0 ? Html.Empty : Html.Of($" in experiment <code>{pipeline.ExperimentName}</code>"))} with <code>{spec.Command.Executable} {string.Join(' ', spec.Command.Arguments)}</code>.</p>
            <h4>Triggers</h4>
            {LoopParts.Triggers(spec, pipeline.Enabled)}
            {firingTable}
            <h4>Runs</h4>
            {runTable}
            </section>
            """);
    }

    /// <summary>One run in the runs table.</summary>
    internal static Html RunRow(TrainingPipeline pipeline, PipelineRun run, TrainingDataset? dataset)
    {
        var challenger = run.ChallengerVersion is { } v
            ? Html.Of($"<a href=\"{DashboardLinks.Card(pipeline.ModelName, v)}\">v{v}</a>{(run.ChampionVersion is { } c ? Html.Of($" <span class=\"hint\">against v{c}</span>") : Html.Empty)}")
            : Html.Text("–");
        return Html.Of($"<tr data-run=\"{run.Number}\" data-phase=\"{run.Phase}\"><th scope=\"row\"><a href=\"{DashboardLinks.PipelineRun(run.PipelineName, run.Number)}\">#{run.Number}</a></th><td>{run.TriggerKind}<br><span class=\"hint reason\">{run.TriggerReason}</span></td><td>{LoopParts.Phase(run.Phase)}{(run.Error is { Length: > 0 } error ? Html.Of($"<br><span class=\"run-error\">{error}</span>") : Html.Empty)}</td><td>{run.Status}{(run.ExitCode is { } code ? Html.Of($" (exit {code})") : Html.Empty)}</td><td>{Ui.Time(run.QueuedAt)}</td><td>{LoopParts.T(run.FinishedAt ?? run.EndedAt)}</td><td>{Dataset(dataset)}</td><td>{TrackingRun(run.TrackingRunId)}</td><td>{challenger}</td></tr>");
    }

    /// <summary>A dataset in brief: name, rows, label coverage, digest and a download link.</summary>
    internal static Html Dataset(TrainingDataset? dataset) => dataset is null
        ? Html.Text("–")
        : Html.Of($"<span class=\"dataset\" data-dataset=\"{dataset.Name}\"><a href=\"{DashboardLinks.DatasetFile(dataset.Name)}\" download>{dataset.Name}</a><br><span class=\"hint\">{Ui.Number(dataset.Rows)} rows, {Ui.Percent(dataset.LabelCoverage)} labelled, sha256 <code title=\"{dataset.Digest}\">{LoopParts.Short(dataset.Digest)}</code></span></span>");

    /// <summary>The tracking run: the dashboard has no run page, so a link to the MLflow-compatible API's run.</summary>
    internal static Html TrackingRun(string? runId) => runId is null
        ? Html.Text("–")
        : Html.Of($"<a href=\"/api/2.0/mlflow/runs/get?run_id={Uri.EscapeDataString(runId)}\"><code>{LoopParts.Short(runId)}</code></a>");

    private static async Task<Html> RequestsAsync(List<PipelineRun> awaiting, IPromotionStore promotions, CancellationToken cancellationToken)
    {
        var items = new List<Html>();
        foreach (var run in awaiting)
        {
            if (await promotions.FindAsync(run.PromotionRequestId!.Value, cancellationToken) is { } request)
            {
                items.Add(Html.Of($"<li data-request=\"{request.Id}\">Run <a href=\"{DashboardLinks.PipelineRun(run.PipelineName, run.Number)}\">{run.PipelineName} #{run.Number}</a>: {request.ModelName} v{request.Version} waits for approval ({request.State}, requested {Ui.Time(request.RequestedAt)}, expires {Ui.Time(request.ExpiresAt)}). <a href=\"{DashboardLinks.Promotion(request.Id)}\">Open the promotion request</a></li>"));
            }
        }

        return items.Count == 0 ? Html.Empty : Html.Of($"<section class=\"banner awaiting\" id=\"awaiting\" aria-labelledby=\"awaiting-title\"><h2 id=\"awaiting-title\">Waiting for approval</h2><ul>{Html.Join(items)}</ul></section>");
    }
}
