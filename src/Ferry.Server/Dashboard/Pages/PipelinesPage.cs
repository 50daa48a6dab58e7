using System.Text;
using Ferry.Core.Artifacts;
using Ferry.Core.Identity;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;
using Ferry.Core.Tracking;
using Ferry.Server.Endpoints.Mlflow.Artifacts;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// Every pipeline with its last run (<c>/ui/pipelines</c>), one run with the tail of its logs
/// (<c>/ui/pipelines/{name}/runs/{number}</c>), a whole log as a download, and a dataset's training file as a download
/// for a signed-in browser (the dashboard's cookie is not accepted by the API).
/// </summary>
internal static class PipelinesPage
{
    /// <summary>How much of each log the run page shows: its last 64 KiB.</summary>
    public const int LogTailBytes = 64 * 1024;

    /// <summary>The log streams a run captures (artifacts <c>logs/{stream}.txt</c> of its tracking run).</summary>
    public static readonly IReadOnlyList<string> Streams = ["stdout", "stderr"];

    /// <summary>Every pipeline whose model the signed-in person may read, with its last run.</summary>
    public static async Task<IResult> ListAsync(HttpContext context, IPipelineStore pipelines, CancellationToken cancellationToken)
    {
        var all = await pipelines.ListAsync(null, cancellationToken);
        var readable = await DashboardPermissions.ReadableModelsAsync(context, all.Select(p => p.ModelName), cancellationToken);
        var rows = new List<Html>();
        foreach (var pipeline in all.Where(p => readable.Contains(p.ModelName)))
        {
            var last = await pipelines.ListRunsAsync(pipeline.Name, null, 1, cancellationToken) is { Count: > 0 } newest ? newest[0] : null;
            var lastRun = last is null
                ? Html.Text("no run yet")
                : Html.Of($"<a href=\"{DashboardLinks.PipelineRun(last.PipelineName, last.Number)}\">#{last.Number}</a> {LoopParts.Phase(last.Phase)} <span class=\"hint\">{Ui.Time(last.QueuedAt)}</span>");
            rows.Add(Html.Of($"<tr data-pipeline=\"{pipeline.Name}\"><th scope=\"row\">{pipeline.Name}</th><td><a href=\"{DashboardLinks.Loop(pipeline.EndpointName)}\">{pipeline.EndpointName}</a></td><td><a href=\"{DashboardLinks.Model(pipeline.ModelName)}\">{pipeline.ModelName}</a></td><td>{(pipeline.Enabled ? Ui.Badge("enabled", Ui.Tone.Ok) : Ui.Badge("disabled", Ui.Tone.None))}</td><td>{TriggerSummary(pipeline)}</td><td class=\"last-run\">{lastRun}</td></tr>"));
        }

        var body = rows.Count == 0
            ? Ui.Empty("No pipeline yet.", Html.Of($"Create one: <code>./ferry pipelines create NAME --endpoint ENDPOINT --model MODEL -- python3 train.py</code> (see docs/loop.md)."))
            : Ui.Table("Pipelines",
                Html.Raw("<th scope=\"col\">Pipeline</th><th scope=\"col\">Endpoint (its loop)</th><th scope=\"col\">Model</th><th scope=\"col\">State</th><th scope=\"col\">Triggers</th><th scope=\"col\">Last run</th>"),
                Html.Join(rows));
        return Layout.Page(context, Layout.Section.Pipelines, "Pipelines", Html.Text("Retraining pipelines and their last run; each endpoint's loop page shows the rest."), body,
            new Crumb("Models", DashboardLinks.Home));
    }

    /// <summary>One run: what fired it, where it stands, its dataset, tracking run, challenger, evaluation, ramp, request and logs.</summary>
    public static async Task<IResult> RunAsync(HttpContext context, string name, int number, IPipelineStore pipelines, ITrainingDatasetStore datasets,
        ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var (pipeline, run) = await FindAsync(context, name, number, pipelines, cancellationToken);
        if (pipeline is null || run is null)
        {
            return NotFoundPage.Render(context, $"Pipeline '{name}' has no run #{number}.");
        }

        var dataset = run.DatasetId is { } datasetId ? await datasets.FindAsync(datasetId, cancellationToken) : null;
        var logs = new List<Html>();
        foreach (var stream in Streams)
        {
            logs.Add(await LogAsync(run, stream, tracking, artifacts, cancellationToken));
        }

        var facts = Html.Of($"""
            <dl class="facts" id="run-facts">
            <dt>Phase</dt><dd>{LoopParts.Phase(run.Phase)}</dd>
            <dt>Process</dt><dd class="status">{run.Status}{(run.ExitCode is { } code ? Html.Of($", exit code <span class=\"exit-code\">{code}</span>") : Html.Empty)}</dd>
            {(run.Error is { Length: > 0 } error ? Html.Of($"<dt>Error</dt><dd class=\"run-error\">{error}</dd>") : Html.Empty)}
            <dt>Trigger</dt><dd>{run.TriggerKind}: <span class="reason">{run.TriggerReason}</span> (by {run.RequestedBy})</dd>
            <dt>Queued</dt><dd>{Ui.Time(run.QueuedAt)}</dd>
            <dt>Process ran</dt><dd>{LoopParts.T(run.StartedAt)} to {LoopParts.T(run.EndedAt)}</dd>
            <dt>Loop ended</dt><dd>{LoopParts.T(run.FinishedAt)}</dd>
            <dt>Dataset</dt><dd>{LoopPage.Dataset(dataset)}</dd>
            <dt>Tracking run</dt><dd>{LoopPage.TrackingRun(run.TrackingRunId)}</dd>
            <dt>Challenger</dt><dd>{(run.ChallengerVersion is { } v ? Html.Of($"<a href=\"{DashboardLinks.Card(pipeline.ModelName, v)}\">{pipeline.ModelName} v{v}</a>") : Html.Text("–"))}{(run.ChampionVersion is { } c ? Html.Of($" against champion v{c}") : Html.Empty)}</dd>
            <dt>Evaluation</dt><dd>{(run.EvaluationId is { } e ? Html.Of($"<a href=\"{DashboardLinks.Evaluation(e)}\">the challenger's evaluation</a>") : Html.Text("–"))}</dd>
            <dt>Ramp</dt><dd>{(run.RolloutId is not null ? Html.Of($"<a href=\"{DashboardLinks.Loop(pipeline.EndpointName)}#ramp\">on the loop page</a>") : Html.Text("–"))}</dd>
            <dt>Promotion request</dt><dd>{(run.PromotionRequestId is { } p ? Html.Of($"<a href=\"{DashboardLinks.Promotion(p)}\">the request</a>") : Html.Text("–"))}</dd>
            </dl>
            """);
        var body = Html.Of($"""
            {facts}
            <h2 id="logs">Logs</h2>
            {Html.Join(logs)}
            """);
        return Layout.Page(context, Layout.Section.Pipelines, $"Run #{run.Number} of {pipeline.Name}",
            Html.Text($"Trains {pipeline.ModelName} for endpoint {pipeline.EndpointName}."), body,
            new Crumb("Pipelines", DashboardLinks.Pipelines), new Crumb($"Loop of {pipeline.EndpointName}", DashboardLinks.Loop(pipeline.EndpointName)));
    }

    /// <summary>A whole log (<c>stdout</c> or <c>stderr</c>) as a plain-text download.</summary>
    public static async Task<IResult> LogFileAsync(HttpContext context, string name, int number, string stream, IPipelineStore pipelines,
        ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var (pipeline, run) = await FindAsync(context, name, number, pipelines, cancellationToken);
        if (pipeline is null || run is null || !Streams.Contains(stream) || await LogPathAsync(run, stream, tracking, cancellationToken) is not { } path
            || await artifacts.GetInfoAsync(path, cancellationToken) is null)
        {
            return NotFoundPage.Render(context, $"Pipeline '{name}' has no {stream} log for run #{number}.");
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(await artifacts.OpenReadAsync(path, cancellationToken), "text/plain; charset=utf-8", $"{pipeline.Name}-{run.Number}-{stream}.txt");
    }

    /// <summary>A dataset's training Parquet file (READ on every model its endpoint serves).</summary>
    public static async Task<IResult> DatasetFileAsync(HttpContext context, string name, ITrainingDatasetStore datasets, IEndpointStore endpoints, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var dataset = await datasets.FindByNameAsync(name, cancellationToken);
        var endpoint = dataset is null ? null : await endpoints.GetAsync(dataset.EndpointName, cancellationToken);
        if (dataset is null || endpoint is null || dataset.ArtifactPath.Length == 0)
        {
            return NotFoundPage.Render(context, $"No dataset is named '{name}'.");
        }

        var models = DashboardPermissions.ModelsOf(endpoint).ToList();
        var readable = await DashboardPermissions.ReadableModelsAsync(context, models, cancellationToken);
        if (!models.All(readable.Contains) || await artifacts.GetInfoAsync(dataset.ArtifactPath, cancellationToken) is null)
        {
            return NotFoundPage.Render(context, $"No dataset is named '{name}'.");
        }

        return TypedResults.Stream(await artifacts.OpenReadAsync(dataset.ArtifactPath, cancellationToken), "application/vnd.apache.parquet", dataset.Name + ".parquet");
    }

    /// <summary>The last <paramref name="max"/> bytes of a stream as text (from the first whole line when cut), and whether it was cut.</summary>
    internal static async Task<(string Text, bool Cut)> TailAsync(Stream stream, long length, int max, CancellationToken cancellationToken)
    {
        var cut = length > max;
        if (cut)
        {
            if (stream.CanSeek)
            {
                stream.Seek(length - max, SeekOrigin.Begin);
            }
            else
            {
                var skip = new byte[81_920];
                for (var left = length - max; left > 0;)
                {
                    var read = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, left)), cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    left -= read;
                }
            }
        }

        var buffer = new byte[Math.Min(length, max)];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, total);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (cut && newline >= 0 && newline < text.Length - 1)
        {
            text = text[(newline + 1)..];
        }

        return (text, cut);
    }

    private static async Task<Html> LogAsync(PipelineRun run, string stream, ITrackingStore tracking, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var title = Html.Of($"<h3 id=\"{stream}\">{stream}</h3>");
        if (await LogPathAsync(run, stream, tracking, cancellationToken) is not { } path || await artifacts.GetInfoAsync(path, cancellationToken) is not { } info)
        {
            return Html.Of($"{title}<p class=\"hint\" id=\"{stream}-missing\">No {stream} log was captured{(run.TrackingRunId is null ? " (the run has no tracking run yet)" : string.Empty)}.</p>");
        }

        string text;
        bool cut;
        await using (var content = await artifacts.OpenReadAsync(path, cancellationToken))
        {
            (text, cut) = await TailAsync(content, info.Length, LogTailBytes, cancellationToken);
        }

        var download = DashboardLinks.PipelineRunLog(run.PipelineName, run.Number, stream);
        var note = cut
            ? Html.Of($"<p class=\"hint\">The last 64 KiB of {Ui.Number(info.Length)} bytes. <a href=\"{download}\" download>Download the whole {stream} log</a>.</p>")
            : Html.Of($"<p class=\"hint\">{Ui.Number(info.Length)} bytes. <a href=\"{download}\" download>Download the {stream} log</a>.</p>");
        return Html.Of($"{title}{note}<pre class=\"log\" id=\"{stream}-log\" tabindex=\"0\" aria-label=\"{stream} of run #{run.Number}\">{text}</pre>");
    }

    private static async Task<string?> LogPathAsync(PipelineRun run, string stream, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        if (run.TrackingRunId is not { } runId || await tracking.FindRunArtifactUriAsync(runId, cancellationToken) is not { } uri
            || MlflowRunArtifactsApi.StorePathOf(uri) is not { } root)
        {
            return null;
        }

        try
        {
            return ArtifactPath.Normalize(root.Length == 0 ? $"logs/{stream}.txt" : $"{root}/logs/{stream}.txt");
        }
        catch (InvalidArtifactPathException)
        {
            return null;
        }
    }

    private static async Task<(TrainingPipeline? Pipeline, PipelineRun? Run)> FindAsync(HttpContext context, string name, int number, IPipelineStore pipelines, CancellationToken cancellationToken)
    {
        var pipeline = await pipelines.FindAsync(name, cancellationToken);
        if (pipeline is null || !await DashboardPermissions.MayAsync(context, pipeline.ModelName, PermissionLevel.Read, cancellationToken))
        {
            return (null, null);
        }

        var run = (await pipelines.ListRunsAsync(name, null, 1000, cancellationToken)).FirstOrDefault(r => r.Number == number);
        return (pipeline, run);
    }

    private static Html TriggerSummary(TrainingPipeline pipeline)
    {
        PipelineTriggers triggers;
        try
        {
            triggers = pipeline.Spec().Triggers;
        }
        catch (System.Text.Json.JsonException)
        {
            return Html.Text("–");
        }

        var parts = new List<string>();
        if (triggers.Cron is { Length: > 0 } cron)
        {
            parts.Add($"schedule {cron}");
        }

        if (triggers.Alerts.Count > 0)
        {
            parts.Add("alerts " + string.Join(", ", triggers.Alerts));
        }

        if (triggers.NewLabels is { } labels)
        {
            parts.Add($"{Ui.Number(labels)} new labels");
        }

        parts.Add("manual");
        return Html.Text(string.Join("; ", parts));
    }
}
