using System.Security.Claims;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Server.Explain;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;
using Ferry.Server.References;
using Ferry.Server.Serving;
using Ferry.Statistics.Profiles;
using Microsoft.AspNetCore.Http.Features;

namespace Ferry.Server.Endpoints.Monitoring;

/// <summary>
/// A version's reference profile (<c>/api/v1/models/{name}/versions/{version}/reference</c>): PUT (scientist) sends its
/// training rows as <c>{"records": [...], "labels": [...], "positiveLabel": "...", "source": "..."}</c>; the body is
/// checked at once, the rows are staged and a job is queued (202 with the job, <c>Location</c> to poll): the model scores
/// them, every feature and output is profiled, tree covers are counted over every row, global importance is computed,
/// and with labels the score is calibrated for CBPE. GET (viewer) shows the reference; <c>GET …/reference/job</c> the
/// newest job (<c>?wait=</c> seconds to wait for its next change).
/// </summary>
public static class ReferenceApi
{
    /// <summary>Largest reference body (up to <see cref="RecordValidator.MaxRows"/> records).</summary>
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    /// <summary>Longest <c>?wait=</c>, in seconds.</summary>
    public const int MaxWaitSeconds = 30;

    /// <summary>Maps the reference routes.</summary>
    public static IEndpointRouteBuilder MapReferenceApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/models/{name}/versions/{version:int}/reference").WithTags("Monitoring");
        group.MapPut("", PutAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SetReference")
            .WithSummary("Checks the training rows (and labels, for CBPE) and queues the build of the version's reference: 202 with the job.");
        group.MapGet("", GetAsync).RequireAuthorization(FerryPolicies.Viewer).WithName("GetReference")
            .WithSummary("The version's reference profile, summarised (409 while the first one is being built).");
        group.MapGet("/job", GetJobAsync).RequireAuthorization(FerryPolicies.Viewer).WithName("GetReferenceJob")
            .WithSummary("The newest reference job of the version and its progress; ?wait=SECONDS answers at its next change.");
        return routes;
    }

    /// <summary>Checks the upload, stages it and queues its job.</summary>
    public static async Task<IResult> PutAsync(
        string name,
        int version,
        HttpContext context,
        IRegistryStore registry,
        ModelCache models,
        IReferenceJobStore jobs,
        ReferenceStaging staging,
        ReferenceJobBoard queue,
        TimeProvider clock,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(staging);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(clock);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        var found = await registry.GetVersionAsync(name, version, cancellationToken);
        if (found.Version.Flavor is null || found.Version.ArtifactPath is null)
        {
            throw new ValidationException("version", $"{name} version {version} is not a servable model (no flavor or model file), so it cannot score its reference");
        }

        using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
        var upload = ReferenceUpload.Read(document.RootElement);
        var rows = RecordValidator.RowCount(upload.Records, "records");
        if (rows == 0)
        {
            throw new ValidationException("records", "must hold at least one row");
        }

        if (upload.Labels is { } labels && labels.Count != rows)
        {
            throw new ValidationException("labels", $"has {labels.Count} values for {rows} records");
        }

        using (var lease = await models.AcquireAsync(RegisteredRoute.Of(found), cancellationToken))
        {
            _ = RecordValidator.FromRecords(upload.Records, lease.Model.Features, "records");
        }

        var id = Guid.CreateVersion7(clock.GetUtcNow());
        var job = new ReferenceJob
        {
            Id = id,
            ModelName = name,
            ModelVersion = version,
            Rows = rows,
            StagedFile = ReferenceStaging.FileName(id),
            CreatedBy = user.ActorName(),
            CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await staging.WriteAsync(job.StagedFile, document.RootElement, cancellationToken);
        await jobs.AddAsync(job, cancellationToken);
        queue.Enqueue(id);
        context.Response.Headers.Location = JobPath(name, version);
        return TypedResults.Json(JobView(job, null), MonitoringJsonContext.Default.ReferenceJobView, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The stored reference; 409 while the version's first one is being built, 404 when it has none.</summary>
    public static async Task<IResult> GetAsync(string name, int version, IReferenceProfileStore store, IReferenceJobStore jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(jobs);
        if (await store.FindReferenceAsync(name, version, cancellationToken) is { } entry)
        {
            return TypedResults.Json(View(ReferenceCache.Load(entry)), MonitoringJsonContext.Default.ReferenceView);
        }

        var job = await jobs.FindLatestAsync(name, version, cancellationToken);
        if (job is { IsActive: true })
        {
            throw new ConflictException($"{name} version {version} has no reference yet: job {job.Id} is building it ({job.State}"
                + (job.Phase is { } phase ? $", {phase}" : string.Empty) + $"); follow it at {JobPath(name, version)}.");
        }

        throw new NotFoundException($"{name} version {version} has no reference profile"
            + (job is { State: ReferenceJob.Failed } ? $": its last build failed ({job.Error})." : "."));
    }

    /// <summary>The version's newest reference job; with <c>?wait=</c>, answered at its next change (or after that many seconds).</summary>
    public static async Task<IResult> GetJobAsync(string name, int version, int? wait, IReferenceJobStore jobs, IReferenceProfileStore store, ReferenceJobBoard queue, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(queue);
        if (wait is < 0 or > MaxWaitSeconds)
        {
            throw new ValidationException("wait", $"must be between 0 and {MaxWaitSeconds} seconds");
        }

        var job = await jobs.FindLatestAsync(name, version, cancellationToken)
            ?? throw new NotFoundException($"{name} version {version} has no reference job: start one with 'ferry models reference {name} {version} data.csv'.");
        if (wait is > 0 && job.IsActive)
        {
            // Subscribe before reading the state, so that a change between the two is not missed.
            var change = queue.NextChangeAsync(job.Id);
            job = queue.Live(job.Id) ?? await jobs.FindAsync(job.Id, cancellationToken) ?? job;
            if (job.IsActive)
            {
                try
                {
                    await change.WaitAsync(TimeSpan.FromSeconds(wait.Value), clock, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // No change within the wait: answer with the state as it is.
                }

                job = queue.Live(job.Id) ?? await jobs.FindAsync(job.Id, cancellationToken) ?? job;
            }
        }
        else if (queue.Live(job.Id) is { } live)
        {
            job = live;
        }

        var reference = job.State == ReferenceJob.Succeeded && await store.FindReferenceAsync(name, version, cancellationToken) is { } entry
            ? View(ReferenceCache.Load(entry))
            : null;
        return TypedResults.Json(JobView(job, reference), MonitoringJsonContext.Default.ReferenceJobView);
    }

    private static string JobPath(string name, int version) => $"/api/v1/models/{Uri.EscapeDataString(name)}/versions/{version}/reference/job";

    private static ReferenceJobView JobView(ReferenceJob job, ReferenceView? reference) =>
        new(job.Id, job.ModelName, job.ModelVersion, job.State, job.Phase, job.Done, job.Total, job.Rows, job.Error, job.Attempts, job.CreatedBy,
            AlertView.Iso(job.CreatedAt), job.StartedAt is { } started ? AlertView.Iso(started) : null,
            job.FinishedAt is { } finished ? AlertView.Iso(finished) : null, reference);

    private static ReferenceView View(LoadedReference reference)
    {
        var columns = reference.Profile.Schema.Columns.Select(c =>
        {
            var profile = reference.Profile.Profile.Columns[c.Name];
            var numeric = c.Kind == ColumnKind.Numeric && profile.Count > 0;
            return new ReferenceColumnView(c.Name, c.Kind == ColumnKind.Numeric ? "numeric" : "categorical", profile.Count, profile.Missing,
                numeric ? profile.Min : null, numeric ? profile.Max : null, numeric ? profile.Sum / profile.Count : null,
                c.Kind == ColumnKind.Categorical ? c.ReferenceCategories : null);
        }).ToList();
        var e = reference.Entry;
        return new ReferenceView(e.ModelName, e.ModelVersion, e.Rows, e.Source, e.PositiveLabel, reference.Calibrator is not null, e.CreatedBy, AlertView.Iso(e.CreatedAt), columns);
    }
}
