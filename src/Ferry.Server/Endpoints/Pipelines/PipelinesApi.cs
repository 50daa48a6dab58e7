using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Artifacts;
using Ferry.Core.Audit;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Core.Tracking;
using Ferry.Server.Identity;
using Ferry.Server.Pipelines;
using Ferry.Server.Pipelines.Execution;
using Ferry.Server.Pipelines.Triggers;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Endpoints.Pipelines;

/// <summary>Source-generated JSON for the pipeline routes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PipelineBody))]
[JsonSerializable(typeof(PipelineView))]
[JsonSerializable(typeof(PipelineListView))]
[JsonSerializable(typeof(PipelineRunView))]
[JsonSerializable(typeof(PipelineRunListView))]
[JsonSerializable(typeof(PipelineFiredView))]
public sealed partial class PipelinesJsonContext : JsonSerializerContext;

/// <summary>
/// Retraining pipelines (<c>/api/v1/pipelines</c>): create, change, list, show and delete them; fire a run by hand;
/// list and show runs with their log tails and links; read a run's logs; cancel a queued or training run. Reading needs
/// the viewer role; everything else the scientist role, the role that deploys endpoints, since a pipeline runs an
/// arbitrary executable on the server (docs/loop/pipelines.md).
/// </summary>
public static class PipelinesApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapPipelinesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/pipelines").WithTags("Pipelines").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("", ListAsync).WithName("ListPipelines").WithSummary("Pipelines by name: ?endpoint= keeps one endpoint's.");
        group.MapPost("", CreateAsync).RequireAuthorization(FerryPolicies.Admin).WithName("CreatePipeline")
            .WithSummary("Creates a pipeline: {\"name\", \"endpoint\", \"model\", \"experiment\"?, \"enabled\"?, \"spec\"}.");
        group.MapGet("/{name}", GetAsync).WithName("GetPipeline");
        group.MapPut("/{name}", UpdateAsync).RequireAuthorization(FerryPolicies.Admin).WithName("UpdatePipeline")
            .WithSummary("Replaces a pipeline's endpoint, model, experiment, enabled flag and spec.");
        group.MapDelete("/{name}", DeleteAsync).RequireAuthorization(FerryPolicies.Admin).WithName("DeletePipeline")
            .WithSummary("Deletes a pipeline (its runs stay); 409 while a run is active.");
        group.MapPost("/{name}/runs", RunAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("RunPipeline")
            .WithSummary("Fires the pipeline by hand: 202 with the firing and its queued run; 409 when disabled or busy.");
        group.MapGet("/{name}/runs", ListRunsAsync).WithName("ListPipelineRuns").WithSummary("The pipeline's runs, newest first: ?limit= (default 50).");
        group.MapGet("/{name}/runs/{number:int}", GetRunAsync).WithName("GetPipelineRun").WithSummary("A run with its log tails and links.");
        group.MapGet("/{name}/runs/{number:int}/logs/{stream}", GetLogAsync).WithName("GetPipelineRunLog")
            .WithSummary("A run's standard output or error (stream = stdout or stderr), as text.");
        group.MapPost("/{name}/runs/{number:int}/cancel", CancelAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("CancelPipelineRun")
            .WithSummary("Cancels a queued run or kills a training one (409 in any later phase).");
        return routes;
    }

    /// <summary>Pipelines.</summary>
    public static async Task<IResult> ListAsync(string? endpoint, IPipelineStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var pipelines = await store.ListAsync(endpoint, cancellationToken);
        return TypedResults.Json(new PipelineListView([.. pipelines.Select(PipelineView.From)]), PipelinesJsonContext.Default.PipelineListView);
    }

    /// <summary>One pipeline.</summary>
    public static async Task<IResult> GetAsync(string name, IPipelineStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return TypedResults.Json(PipelineView.From(await FindAsync(store, name, cancellationToken)), PipelinesJsonContext.Default.PipelineView);
    }

    /// <summary>Creates a pipeline (201).</summary>
    public static async Task<IResult> CreateAsync(HttpRequest request, IPipelineStore store, IEndpointStore endpoints, IEnumerable<IPipelineExecutor> executors,
        IPipelineScheduleSync schedules, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        var body = await RequestJson.DeserializeAsync(request, PipelinesJsonContext.Default.PipelineBody, cancellationToken)
            ?? throw new ValidationException("body", "must be a JSON object");
        PipelineSpecValidation.CheckName(body.Name);
        var pipeline = await ReadAsync(body.Name!, body, endpoints, executors, cancellationToken);
        var created = await store.CreateAsync(pipeline, user.ActorName(), cancellationToken);
        await schedules.SyncAsync(created.Name, cancellationToken);
        return TypedResults.Json(PipelineView.From(created), PipelinesJsonContext.Default.PipelineView, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Replaces a pipeline.</summary>
    public static async Task<IResult> UpdateAsync(string name, HttpRequest request, IPipelineStore store, IEndpointStore endpoints, IEnumerable<IPipelineExecutor> executors,
        IPipelineScheduleSync schedules, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        await FindAsync(store, name, cancellationToken);
        var body = await RequestJson.DeserializeAsync(request, PipelinesJsonContext.Default.PipelineBody, cancellationToken)
            ?? throw new ValidationException("body", "must be a JSON object");
        if (body.Name is { } named && named != name)
        {
            throw new ValidationException("name", $"the body names '{named}' but the route '{name}'; pipelines cannot be renamed");
        }

        var updated = await store.UpdateAsync(await ReadAsync(name, body, endpoints, executors, cancellationToken), user.ActorName(), cancellationToken);
        await schedules.SyncAsync(name, cancellationToken);
        return TypedResults.Json(PipelineView.From(updated), PipelinesJsonContext.Default.PipelineView);
    }

    /// <summary>Deletes a pipeline (204); 409 while one of its runs is active.</summary>
    public static async Task<IResult> DeleteAsync(string name, IPipelineStore store, IPipelineScheduleSync schedules, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await FindAsync(store, name, cancellationToken);
        if ((await store.ListRunsAsync(name, null, 20, cancellationToken)).FirstOrDefault(r => r.Active) is { } active)
        {
            throw new ConflictException($"run {active.Number} of pipeline '{name}' is still active (phase {active.Phase}); cancel it or let it finish first");
        }

        await store.DeleteAsync(name, user.ActorName(), cancellationToken);
        await schedules.SyncAsync(name, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Fires the pipeline by hand (202); 409 when it is disabled or a run is active.</summary>
    public static async Task<IResult> RunAsync(string name, PipelineFiring firing, IPipelineStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firing);
        ArgumentNullException.ThrowIfNull(store);
        var pipeline = await FindAsync(store, name, cancellationToken);
        var actor = user.ActorName();
        var (fired, run) = await firing.FireAsync(name, TriggerKinds.Manual, $"run by {actor}", actor, actor, cancellationToken);
        if (fired.Outcome == FiringOutcomes.Disabled)
        {
            throw new ConflictException($"pipeline '{name}' is disabled; enable it to run it");
        }

        if (run is null)
        {
            var active = (await store.ListRunsAsync(name, null, 20, cancellationToken)).FirstOrDefault(r => r.Active);
            throw new ConflictException(active is null
                ? $"pipeline '{name}' did not start a run ({fired.Outcome})"
                : $"pipeline '{name}' is busy: run {active.Number} is still active (phase {active.Phase})");
        }

        return TypedResults.Json(new PipelineFiredView(TriggerFiringView.From(fired), PipelineRunView.From(run, pipeline.ModelName)),
            PipelinesJsonContext.Default.PipelineFiredView, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Runs of a pipeline.</summary>
    public static async Task<IResult> ListRunsAsync(string name, int? limit, IPipelineStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var pipeline = await FindAsync(store, name, cancellationToken);
        var runs = await store.ListRunsAsync(name, null, Math.Clamp(limit ?? 50, 1, 1000), cancellationToken);
        return TypedResults.Json(new PipelineRunListView([.. runs.Select(r => PipelineRunView.From(r, pipeline.ModelName))]),
            PipelinesJsonContext.Default.PipelineRunListView);
    }

    /// <summary>One run with the last lines of its logs.</summary>
    public static async Task<IResult> GetRunAsync(string name, int number, IPipelineStore store, IOptions<PipelineExecutionOptions> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(files);
        var run = await FindRunAsync(store, name, number, cancellationToken);
        var model = (await store.FindByIdAsync(run.PipelineId, cancellationToken))?.ModelName;
        var logs = new PipelineRunLogTails(TrainingFinisher.ReadTail(LogPath(files.Value, run, "stdout")), TrainingFinisher.ReadTail(LogPath(files.Value, run, "stderr")));
        return TypedResults.Json(PipelineRunView.From(run, model, logs), PipelinesJsonContext.Default.PipelineRunView);
    }

    /// <summary>A run's whole log (up to its 10 MiB cap): the local file while it exists, else the tracking run's artifact.</summary>
    public static async Task<IResult> GetLogAsync(string name, int number, string stream, IPipelineStore store, ITrackingStore tracking, IArtifactStore artifacts,
        IOptions<PipelineExecutionOptions> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentNullException.ThrowIfNull(artifacts);
        ArgumentNullException.ThrowIfNull(files);
        if (stream is not ("stdout" or "stderr"))
        {
            throw new ValidationException("stream", $"must be stdout or stderr, not '{stream}'");
        }

        var run = await FindRunAsync(store, name, number, cancellationToken);
        var local = LogPath(files.Value, run, stream);
        if (File.Exists(local))
        {
            return TypedResults.File(new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), "text/plain; charset=utf-8");
        }

        if (run.TrackingRunId is { } trackingRunId && await tracking.FindRunArtifactUriAsync(trackingRunId, cancellationToken) is { } root
            && ModelSource.ToArtifactPath(ModelSource.Join(root, $"logs/{stream}.txt")) is { } path && await artifacts.GetInfoAsync(path, cancellationToken) is not null)
        {
            return TypedResults.File(await artifacts.OpenReadAsync(path, cancellationToken), "text/plain; charset=utf-8");
        }

        throw new NotFoundException($"run {number} of pipeline '{name}' has no {stream} log");
    }

    /// <summary>Cancels a queued run or kills a training one; 409 in any later phase.</summary>
    public static async Task<IResult> CancelAsync(string name, int number, IPipelineStore store, PipelineProcesses processes, TrainingFinisher finisher, IAuditLog audit,
        TimeProvider clock, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(processes);
        ArgumentNullException.ThrowIfNull(finisher);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(clock);
        var actor = user.ActorName();
        var found = await FindRunAsync(store, name, number, cancellationToken);
        var model = (await store.FindByIdAsync(found.PipelineId, cancellationToken))?.ModelName;
        await processes.Gate.WaitAsync(cancellationToken);
        try
        {
            var run = await store.FindRunAsync(found.Id, cancellationToken) ?? throw new NotFoundException($"run {number} of pipeline '{name}' does not exist");
            if (run.Phase is not (LoopPhases.Queued or LoopPhases.Training))
            {
                throw new ConflictException($"run {number} of pipeline '{name}' is {run.Phase}; only queued or training runs can be cancelled");
            }

            var previous = run.Phase;
            if (processes.Find(run.Id) is { } training)
            {
                await training.Execution.CancelAsync();
                run = await finisher.EndAsync(training, TrainingEnd.Cancelled, actor, cancellationToken) ?? run;
                processes.Remove(run.Id);
                await training.Execution.DisposeAsync();
            }
            else
            {
                run.Phase = LoopPhases.Cancelled;
                run.Status = PipelineRunStatus.Cancelled;
                run.Error = $"cancelled by {actor}";
                run.UpdatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
                await store.UpdateRunAsync(run, cancellationToken);
            }

            await audit.RecordAsync(actor, AuditRecord.Of("pipeline.run.cancel", $"pipeline/{name}/runs/{number}", new { Phase = previous }), cancellationToken);
            return TypedResults.Json(PipelineRunView.From(run, model), PipelinesJsonContext.Default.PipelineRunView);
        }
        finally
        {
            processes.Gate.Release();
        }
    }

    private static string LogPath(PipelineExecutionOptions files, PipelineRun run, string stream) => files.LogPath(run.PipelineName, run.Number, stream);

    private static async Task<TrainingPipeline> FindAsync(IPipelineStore store, string name, CancellationToken cancellationToken) =>
        await store.FindAsync(name, cancellationToken) ?? throw new NotFoundException($"pipeline '{name}' does not exist");

    private static async Task<PipelineRun> FindRunAsync(IPipelineStore store, string name, int number, CancellationToken cancellationToken)
    {
        await FindAsync(store, name, cancellationToken);
        return (await store.ListRunsAsync(name, null, 1000, cancellationToken)).FirstOrDefault(r => r.Number == number)
            ?? throw new NotFoundException($"run {number} of pipeline '{name}' does not exist");
    }

    private static async Task<TrainingPipeline> ReadAsync(string name, PipelineBody body, IEndpointStore endpoints, IEnumerable<IPipelineExecutor> executors,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Endpoint))
        {
            throw new ValidationException("endpoint", "must name the endpoint the pipeline retrains for");
        }

        if (string.IsNullOrWhiteSpace(body.Model))
        {
            throw new ValidationException("model", "must name the registered model its training registers versions of");
        }

        if (body.Spec is not { ValueKind: JsonValueKind.Object } specJson)
        {
            throw new ValidationException("spec", "must be a JSON object (at least {\"command\": {\"executable\": \"...\"}})");
        }

        PipelineSpec spec;
        try
        {
            spec = PipelineSpec.Parse(specJson.GetRawText());
        }
        catch (JsonException e)
        {
            throw new ValidationException("spec", $"is not a valid pipeline spec: {e.Message}");
        }

        PipelineSpecValidation.Check(spec, [.. executors.Select(e => e.Kind)]);
        if (await endpoints.GetAsync(body.Endpoint, cancellationToken) is null)
        {
            throw new ValidationException("endpoint", $"endpoint '{body.Endpoint}' does not exist");
        }

        return new TrainingPipeline
        {
            Name = name,
            EndpointName = body.Endpoint,
            ModelName = body.Model,
            ExperimentName = body.Experiment ?? string.Empty,
            Enabled = body.Enabled ?? true,
            SpecJson = spec.ToJson(),
        };
    }
}
