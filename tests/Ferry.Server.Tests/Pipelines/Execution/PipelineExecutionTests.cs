using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ferry.Core.Artifacts;
using Ferry.Core.Identity;
using Ferry.Core.Pipelines;
using Ferry.Core.Tracking;
using Ferry.Server.Pipelines;
using Ferry.Server.Pipelines.Execution;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Pipelines.Execution;

/// <summary>A server on a <see cref="TestClock"/> with the loop's periodic ticks off: tests tick it themselves.</summary>
public abstract class LoopServerFixture : IAsyncLifetime
{
    private FerryTestServer? _server;

    public abstract DatabaseKind Kind { get; }

    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public FerryTestServer Server
    {
        get
        {
            DatabaseRequirement.EnsureAvailable(Kind);
            return _server ?? throw new InvalidOperationException("The test server did not start.");
        }
    }

    public async Task InitializeAsync()
    {
        if (Kind == DatabaseKind.PostgreSql && TestDatabase.PostgresUnavailableReason is not null && !TestDatabase.InCi)
        {
            return;
        }

        _server = await FerryTestServer.StartAsync(Kind, clock: Clock, host: builder => builder.Configuration["Ferry:Loop:Enabled"] = "false");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public sealed class SqliteLoopServerFixture : LoopServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresLoopServerFixture : LoopServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.PostgreSql;
}

/// <summary>
/// The embedded executor and the training stage with real child processes (bash and python3 scripts written by the
/// tests): the environment a training command gets, its token, versions registered from its tracking run, failures,
/// timeouts, cancels, one run at a time, resource limits; and the API's validation. SQLite and PostgreSQL.
/// </summary>
public abstract class PipelineExecutionTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IDisposable
    where TFixture : LoopServerFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _scripts = new("ferry-pipeline-scripts");

    private FerryTestServer Server => fixture.Server;

    /// <summary>Registers the pipeline's model as the training script does: uploads a real ONNX file to its run, creates a version from it.</summary>
    private const string RegisterScript = """
        import hashlib, json, os, sys, urllib.request
        url, token, run = os.environ["MLFLOW_TRACKING_URI"], os.environ["FERRY_TOKEN"], os.environ["MLFLOW_RUN_ID"]
        names = ["MLFLOW_TRACKING_URI", "FERRY_URL", "MLFLOW_TRACKING_TOKEN", "FERRY_TOKEN", "MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_ID", "FERRY_PIPELINE",
                 "FERRY_PIPELINE_RUN_ID", "FERRY_ENDPOINT", "FERRY_MODEL_NAME", "FERRY_DATASET_ID", "FERRY_DATASET_DIGEST", "FERRY_DATASET_PATH",
                 "FERRY_HOLDOUT_PATH", "FERRY_OUTPUT_DIR", "EXTRA"]
        with open(os.path.join(os.environ["FERRY_OUTPUT_DIR"], "env.json"), "w") as f:
            json.dump({n: os.environ.get(n) for n in names}, f)
        digest = hashlib.sha256(open(os.environ["FERRY_DATASET_PATH"], "rb").read()).hexdigest()
        print("dataset digest matches" if digest == os.environ["FERRY_DATASET_DIGEST"] else "dataset digest differs")
        def call(method, path, body, content_type):
            request = urllib.request.Request(url + path, data=body, method=method,
                                             headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
            return urllib.request.urlopen(request).read()
        run_info = json.loads(call("GET", "/api/2.0/mlflow/runs/get?run_id=" + run, None, "application/json"))["run"]["info"]
        root = run_info["artifact_uri"].split("mlflow-artifacts:/", 1)[1]
        call("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + root + "/model/model.onnx", open(os.environ["MODEL_FILE"], "rb").read(), "application/octet-stream")
        answer = json.loads(call("POST", "/api/2.0/mlflow/model-versions/create",
                                 json.dumps({"name": os.environ["FERRY_MODEL_NAME"], "source": "runs:/" + run + "/model", "run_id": run}).encode(), "application/json"))
        print("registered version", answer["model_version"]["version"])
        """;

    [SkippableFact]
    public async Task Training_ExitZeroAndRegistersAVersion_IsEvaluatingWithChallengerLineageAndLogs()
    {
        var admin = Server.CreateAdminClient();
        var (endpoint, model) = await DeployAsync(admin);
        var script = await WriteAsync("train.py", RegisterScript);
        var modelFile = Path.Join(_scripts.Path, "model.onnx");
        await File.WriteAllBytesAsync(modelFile, LinearOnnx());
        var name = await CreatePipelineAsync(admin, endpoint, model, new
        {
            command = new { executable = "python3", arguments = new[] { script }, environment = new Dictionary<string, string> { ["MODEL_FILE"] = modelFile, ["EXTRA"] = "x y" } },
        });
        var dataset = await AddDatasetAsync(endpoint);

        var run = await FireAndStartAsync(admin, name, dataset.Id);
        var ended = await EndAsync(run.Id);

        Assert.Equal((LoopPhases.Evaluating, PipelineRunStatus.Succeeded, 0, 2, 1), (ended.Phase, ended.Status, ended.ExitCode, ended.ChallengerVersion, ended.ChampionVersion));
        Assert.Null(ended.Error);
        var env = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Join(Server.DataDirectory, "pipelines", name, "1", "output", "env.json"))).RootElement;
        Assert.Equal(Server.Address.ToString().TrimEnd('/'), env.GetProperty("MLFLOW_TRACKING_URI").GetString());
        Assert.Equal(env.GetProperty("MLFLOW_TRACKING_URI").GetString(), env.GetProperty("FERRY_URL").GetString());
        Assert.Equal(env.GetProperty("FERRY_TOKEN").GetString(), env.GetProperty("MLFLOW_TRACKING_TOKEN").GetString());
        Assert.Equal(ended.TrackingRunId, env.GetProperty("MLFLOW_RUN_ID").GetString());
        Assert.Equal((name, run.Id.ToString(), endpoint, model, dataset.Id.ToString(), dataset.Digest, "x y"),
            (env.GetProperty("FERRY_PIPELINE").GetString(), env.GetProperty("FERRY_PIPELINE_RUN_ID").GetString(), env.GetProperty("FERRY_ENDPOINT").GetString(),
             env.GetProperty("FERRY_MODEL_NAME").GetString(), env.GetProperty("FERRY_DATASET_ID").GetString(), env.GetProperty("FERRY_DATASET_DIGEST").GetString(),
             env.GetProperty("EXTRA").GetString()));
        Assert.Equal(Path.Join(Server.DataDirectory, "pipelines", name, "1", "data", "holdout.parquet"), env.GetProperty("FERRY_HOLDOUT_PATH").GetString());

        // The token was scoped to the run: it is revoked now.
        var token = env.GetProperty("FERRY_TOKEN").GetString()!;
        using (var afterwards = await Server.CreateClient(token).GetAsync("/api/v1/pipelines"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
        }

        await using var scope = Server.Services.CreateAsyncScope();
        var tracking = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        var trackingRun = await tracking.GetRunAsync(ended.TrackingRunId!);
        Assert.Equal(RunStatus.Finished, trackingRun.Status);
        Assert.Equal($"{name}-1", trackingRun.Name);
        Assert.Contains(trackingRun.Tags, t => t.Key == "ferry.pipeline" && t.Value == name);
        Assert.Contains(trackingRun.Tags, t => t.Key == "ferry.pipeline_run" && t.Value == "1");
        Assert.Contains(trackingRun.Tags, t => t.Key == "ferry.trigger" && t.Value == TriggerKinds.Manual);
        var input = Assert.Single(trackingRun.DatasetInputs);
        Assert.Equal((dataset.Name, dataset.Digest), (input.Name, input.Digest));
        var experiment = await tracking.GetExperimentAsync(trackingRun.ExperimentId);
        Assert.Equal($"pipeline/{name}", experiment.Name);

        var stdout = await ArtifactTextAsync(trackingRun, "logs/stdout.txt");
        Assert.Contains("dataset digest matches", stdout, StringComparison.Ordinal);
        Assert.Contains("registered version 2", stdout, StringComparison.Ordinal);
        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines/{name}/runs/1");
        Assert.Contains("registered version 2", view.GetProperty("logs").GetProperty("stdout").GetString(), StringComparison.Ordinal);
        Assert.Equal($"{model}/2", view.GetProperty("links").GetProperty("challengerVersion").GetString());
        Assert.Equal(dataset.Id, view.GetProperty("links").GetProperty("datasetId").GetGuid());
        Assert.Contains("registered version 2", await admin.GetStringAsync($"/api/v1/pipelines/{name}/runs/1/logs/stdout"), StringComparison.Ordinal);
        Assert.Equal(1, await CountAuditAsync(Server, "pipeline.run.start", $"pipeline/{name}/runs/1"));
        Assert.Equal(1, await CountAuditAsync(Server, "pipeline.run.end", $"pipeline/{name}/runs/1"));
    }

    [SkippableFact]
    public async Task Training_ExitThree_FailsWithItsLogsAndAFailedTrackingRun()
    {
        var admin = Server.CreateAdminClient();
        var (endpoint, model) = await DeployAsync(admin);
        var script = await WriteAsync("fail.sh", "echo starting to train\necho 'boom: no rows' >&2\nexit 3\n");
        var name = await CreatePipelineAsync(admin, endpoint, model, new { command = new { executable = "bash", arguments = new[] { script } }, dataset = (object?)null });

        var run = await FireAndStartAsync(admin, name);
        var ended = await EndAsync(run.Id);

        Assert.Equal((LoopPhases.Failed, PipelineRunStatus.Failed, 3), (ended.Phase, ended.Status, ended.ExitCode));
        Assert.Null(ended.ChallengerVersion);
        Assert.Contains("exited with code 3", ended.Error, StringComparison.Ordinal);
        Assert.Contains("boom: no rows", ended.Error, StringComparison.Ordinal);
        Assert.False(ended.Active);
        await using var scope = Server.Services.CreateAsyncScope();
        var trackingRun = await scope.ServiceProvider.GetRequiredService<ITrackingStore>().GetRunAsync(ended.TrackingRunId!);
        Assert.Equal(RunStatus.Failed, trackingRun.Status);
        Assert.Equal("boom: no rows\n", await ArtifactTextAsync(trackingRun, "logs/stderr.txt"));
        Assert.Equal("starting to train\n", await ArtifactTextAsync(trackingRun, "logs/stdout.txt"));
    }

    [SkippableFact]
    public async Task Training_ExitZeroWithoutAVersion_IsNoVersion()
    {
        var admin = Server.CreateAdminClient();
        var (endpoint, model) = await DeployAsync(admin);
        var script = await WriteAsync("nothing.sh", "echo trained nothing\n");
        var name = await CreatePipelineAsync(admin, endpoint, model, new { command = new { executable = "bash", arguments = new[] { script } }, dataset = (object?)null });

        var ended = await EndAsync((await FireAndStartAsync(admin, name)).Id);

        Assert.Equal((LoopPhases.NoVersion, PipelineRunStatus.Succeeded, 0), (ended.Phase, ended.Status, ended.ExitCode));
        Assert.Null(ended.ChallengerVersion);
        await using var scope = Server.Services.CreateAsyncScope();
        Assert.Equal(RunStatus.Finished, (await scope.ServiceProvider.GetRequiredService<ITrackingStore>().GetRunAsync(ended.TrackingRunId!)).Status);
    }

    [SkippableFact]
    public async Task Training_PastItsTimeout_IsKilledWithItsChildrenAndTimedOut()
    {
        var admin = Server.CreateAdminClient();
        var (endpoint, model) = await DeployAsync(admin);
        var script = await WriteAsync("slow.sh", "sleep 600 &\necho $! > \"$FERRY_OUTPUT_DIR/child.pid\"\necho waiting\nwait\n");
        var name = await CreatePipelineAsync(admin, endpoint, model,
            new { command = new { executable = "bash", arguments = new[] { script }, timeoutSeconds = 2 }, dataset = (object?)null });

        var run = await FireAndStartAsync(admin, name);
        var childPidFile = Path.Join(Server.DataDirectory, "pipelines", name, "1", "output", "child.pid");
        var stdout = Path.Join(Server.DataDirectory, "pipelines", name, "1", "logs", "stdout.txt");
        await WaitForFileTextAsync(stdout, "waiting");
        var child = int.Parse((await File.ReadAllTextAsync(childPidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False((await TickAndGetAsync(run.Id)).Phase != LoopPhases.Training, "the run ended before its timeout");

        fixture.Clock.Advance(TimeSpan.FromSeconds(3));
        var ended = await EndAsync(run.Id);

        Assert.Equal((LoopPhases.Failed, PipelineRunStatus.TimedOut), (ended.Phase, ended.Status));
        Assert.Contains("timed out", ended.Error, StringComparison.Ordinal);
        Assert.False(IsAlive(child), $"the script's child {child} still runs after the timeout");
        await using var scope = Server.Services.CreateAsyncScope();
        Assert.Equal(RunStatus.Failed, (await scope.ServiceProvider.GetRequiredService<ITrackingStore>().GetRunAsync(ended.TrackingRunId!)).Status);
    }

    [SkippableFact]
    public async Task Cancel_TrainingRun_KillsItAndIsCancelledWithAKilledTrackingRun()
    {
        var admin = Server.CreateAdminClient();
        var (endpoint, model) = await DeployAsync(admin);
        var script = await WriteAsync("forever.sh", "echo waiting\nsleep 600\n");
        var name = await CreatePipelineAsync(admin, endpoint, model, new { command = new { executable = "bash", arguments = new[] { script } }, dataset = (object?)null });
        var run = await FireAndStartAsync(admin, name);
        await WaitForFileTextAsync(Path.Join(Server.DataDirectory, "pipelines", name, "1", "logs", "stdout.txt"), "waiting");

        using var cancelled = await admin.PostAsync($"/api/v1/pipelines/{name}/runs/1/cancel", null);
        var view = await cancelled.AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal((LoopPhases.Cancelled, PipelineRunStatus.Cancelled), (view.GetProperty("phase").GetString(), view.GetProperty("status").GetString()));
        var stored = await FindRunAsync(run.Id);
        Assert.False(stored.Active);
        await using var scope = Server.Services.CreateAsyncScope();
        Assert.Equal(RunStatus.Killed, (await scope.ServiceProvider.GetRequiredService<ITrackingStore>().GetRunAsync(stored.TrackingRunId!)).Status);
        Assert.Null(Server.Services.GetRequiredService<PipelineProcesses>().Find(run.Id));
        using var again = await admin.PostAsync($"/api/v1/pipelines/{name}/runs/1/cancel", null);
        await again.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await CountAuditAsync(Server, "pipeline.run.cancel", $"pipeline/{name}/runs/1"));
    }

    [SkippableFact]
    public async Task Run_WhileARunIsActive_IsBusy409_AndAQueuedRunCanBeCancelled()
    {
        var admin = Server.CreateAdminClient();
        var (endpoint, model) = await DeployAsync(admin);
        var name = await CreatePipelineAsync(admin, endpoint, model, new { command = new { executable = "true" }, dataset = (object?)null });

        using var first = await admin.PostAsync($"/api/v1/pipelines/{name}/runs", null);
        var fired = await first.AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.Equal((FiringOutcomes.Started, LoopPhases.Queued, 1), (fired.GetProperty("firing").GetProperty("outcome").GetString(),
            fired.GetProperty("run").GetProperty("phase").GetString(), fired.GetProperty("run").GetProperty("number").GetInt32()));
        using var second = await admin.PostAsync($"/api/v1/pipelines/{name}/runs", null);
        var busy = await second.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("run 1 is still active", busy.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var cancelled = await admin.PostAsync($"/api/v1/pipelines/{name}/runs/1/cancel", null);
        Assert.Equal(LoopPhases.Cancelled, (await cancelled.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("phase").GetString());
        using var third = await admin.PostAsync($"/api/v1/pipelines/{name}/runs", null);
        Assert.Equal(2, (await third.AssertJsonAsync(HttpStatusCode.Accepted)).GetProperty("run").GetProperty("number").GetInt32());

        using var disable = await admin.PutAsJsonAsync($"/api/v1/pipelines/{name}", new
        {
            endpoint,
            model,
            enabled = false,
            spec = new { command = new { executable = "true" } },
        });
        await disable.AssertJsonAsync(HttpStatusCode.OK);
        using var cancelSecond = await admin.PostAsync($"/api/v1/pipelines/{name}/runs/2/cancel", null);
        await cancelSecond.AssertJsonAsync(HttpStatusCode.OK);
        using var disabled = await admin.PostAsync($"/api/v1/pipelines/{name}/runs", null);
        Assert.Contains("disabled", (await disabled.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Limits_WithPrlimit_AreAppliedToTheProcess()
    {
        Skip.If(ProcessPipelineExecutor.FindOnPath("prlimit") is null, "prlimit (util-linux) is not installed");
        var admin = Server.CreateAdminClient();
        var (endpoint, model) = await DeployAsync(admin);
        var script = await WriteAsync("limits.sh", "echo \"as=$(ulimit -v) cpu=$(ulimit -t)\"\n");
        var name = await CreatePipelineAsync(admin, endpoint, model,
            new { command = new { executable = "bash", arguments = new[] { script }, memoryLimitMb = 512, cpuLimitSeconds = 30 }, dataset = (object?)null });

        var ended = await EndAsync((await FireAndStartAsync(admin, name)).Id);

        Assert.Equal(0, ended.ExitCode);
        var log = await File.ReadAllTextAsync(Path.Join(Server.DataDirectory, "pipelines", name, "1", "logs", "stdout.txt"));
        Assert.Contains("as=524288 cpu=30", log, StringComparison.Ordinal); // ulimit -v is in KiB
        Assert.Contains("[ferry] resource limits applied", log, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Create_InvalidPipelines_Are400NamingEachField_AndViewersAre403()
    {
        var admin = Server.CreateAdminClient();
        var (endpoint, model) = await DeployAsync(admin);

        using var invalid = await admin.PostAsJsonAsync("/api/v1/pipelines", new
        {
            name = UniqueName("p"),
            endpoint,
            model,
            spec = new
            {
                command = new { executable = "", timeoutSeconds = 0, memoryLimitMb = -1, cpuLimitSeconds = 0 },
                triggers = new { cron = "every day", alerts = new[] { "weather" } },
                evaluation = new { metric = "vibes" },
                promotion = new { steps = new[] { 50, 10, 100 } },
            },
        });
        var problem = await invalid.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[]
        {
            "spec.command.executable", "spec.command.timeoutSeconds", "spec.command.memoryLimitMb", "spec.command.cpuLimitSeconds", "spec.triggers.cron",
            "spec.triggers.alerts", "spec.evaluation.metric", "spec.promotion.steps",
        })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error on {field}: {errors}");
        }

        using var tooLong = await admin.PostAsJsonAsync("/api/v1/pipelines", new
        {
            name = UniqueName("p"),
            endpoint,
            model,
            spec = new { command = new { executable = "true", timeoutSeconds = 7 * 24 * 3600 + 1 }, promotion = new { steps = new[] { 10, 50 } } },
        });
        var tooLongErrors = (await tooLong.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(tooLongErrors.TryGetProperty("spec.command.timeoutSeconds", out _));
        Assert.True(tooLongErrors.TryGetProperty("spec.promotion.steps", out _));

        using var noEndpoint = await admin.PostAsJsonAsync("/api/v1/pipelines", new { name = UniqueName("p"), endpoint = "nowhere-" + Guid.NewGuid().ToString("N"), model, spec = new { command = new { executable = "true" } } });
        Assert.True((await noEndpoint.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("endpoint", out _));

        using var badName = await admin.PostAsJsonAsync("/api/v1/pipelines", new { name = "no spaces", endpoint, model, spec = new { command = new { executable = "true" } } });
        Assert.True((await badName.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _));

        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var forbidden = await viewer.PostAsJsonAsync("/api/v1/pipelines", new { name = UniqueName("p"), endpoint, model, spec = new { command = new { executable = "true" } } });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        var name = await CreatePipelineAsync(admin, endpoint, model, new { command = new { executable = "true" } });
        using var duplicate = await admin.PostAsJsonAsync("/api/v1/pipelines", new { name, endpoint, model, spec = new { command = new { executable = "true" } } });
        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict);
        var listed = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines?endpoint={endpoint}");
        var pipeline = Assert.Single(listed.GetProperty("pipelines").EnumerateArray());
        Assert.Equal((name, 3_600, "roc_auc"), (pipeline.GetProperty("name").GetString(),
            pipeline.GetProperty("spec").GetProperty("command").GetProperty("timeoutSeconds").GetInt32(),
            pipeline.GetProperty("spec").GetProperty("evaluation").GetProperty("metric").GetString()));
        using var deleted = await admin.DeleteAsync($"/api/v1/pipelines/{name}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await admin.GetAsync($"/api/v1/pipelines/{name}");
        await gone.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    public void Dispose()
    {
        _scripts.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<(string Endpoint, string Model)> DeployAsync(HttpClient admin)
    {
        var model = await CreateModelAsync(admin);
        var seeded = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, $"{ArtifactRoot(seeded)}/model/model.onnx", LinearOnnx());
        await CreateVersionAsync(admin, model, $"runs:/{seeded.Id}/model", seeded.Id);
        var endpoint = UniqueName("e");
        using var deployed = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}", new { routes = new[] { new { model, version = 1 } } });
        await deployed.AssertJsonAsync(HttpStatusCode.OK);
        return (endpoint, model);
    }

    private static async Task<string> CreatePipelineAsync(HttpClient admin, string endpoint, string model, object spec)
    {
        var name = UniqueName("p");
        using var created = await admin.PostAsJsonAsync("/api/v1/pipelines", new { name, endpoint, model, spec });
        await created.AssertJsonAsync(HttpStatusCode.Created);
        return name;
    }

    private async Task<string> WriteAsync(string file, string text)
    {
        var path = Path.Join(_scripts.Path, file);
        await File.WriteAllTextAsync(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        return path;
    }

    /// <summary>A dataset whose two files are in the artifact store, as the datasets stage leaves them.</summary>
    private async Task<TrainingDataset> AddDatasetAsync(string endpoint)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var artifacts = scope.ServiceProvider.GetRequiredService<IArtifactStore>();
        var id = Guid.NewGuid();
        var train = Encoding.UTF8.GetBytes("PAR1 training rows " + id);
        var holdout = Encoding.UTF8.GetBytes("PAR1 holdout rows " + id);
        await artifacts.PutAsync($"datasets/{id}/train.parquet", new MemoryStream(train));
        await artifacts.PutAsync($"datasets/{id}/holdout.parquet", new MemoryStream(holdout));
        return await scope.ServiceProvider.GetRequiredService<ITrainingDatasetStore>().AddAsync(new TrainingDataset
        {
            Id = id,
            Name = "ds-" + id.ToString("N"),
            EndpointName = endpoint,
            Rows = 10,
            LabelledRows = 8,
            HoldoutRows = 2,
            Digest = Convert.ToHexStringLower(SHA256.HashData(train)),
            ArtifactPath = $"datasets/{id}/train.parquet",
            HoldoutArtifactPath = $"datasets/{id}/holdout.parquet",
            HoldoutDigest = Convert.ToHexStringLower(SHA256.HashData(holdout)),
            CreatedAt = fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
        }, "test");
    }

    /// <summary>Fires the pipeline by hand, moves the run to training as the datasets stage would, and ticks the loop once (the start).</summary>
    private async Task<PipelineRun> FireAndStartAsync(HttpClient admin, string name, Guid? datasetId = null)
    {
        using var fired = await admin.PostAsync($"/api/v1/pipelines/{name}/runs", null);
        var runId = (await fired.AssertJsonAsync(HttpStatusCode.Accepted)).GetProperty("run").GetProperty("id").GetGuid();
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IPipelineStore>();
            var run = (await store.FindRunAsync(runId))!;
            run.Phase = LoopPhases.Training;
            run.DatasetId = datasetId;
            await store.UpdateRunAsync(run);
        }

        var started = await TickAndGetAsync(runId);
        Assert.True(started.Status == PipelineRunStatus.Running, $"the run did not start: {started.Phase} {started.Status} {started.Error}");
        return started;
    }

    /// <summary>Waits for the run's process to end, ticks the loop (the end is recorded) and returns the run.</summary>
    private async Task<PipelineRun> EndAsync(Guid runId)
    {
        await Server.Services.GetRequiredService<PipelineProcesses>().WaitAsync(runId).WaitAsync(Bound);
        return await TickAndGetAsync(runId);
    }

    /// <summary>Ticks the training stage alone (later stages would move an evaluating run on in the same tick) and returns the run.</summary>
    private async Task<PipelineRun> TickAndGetAsync(Guid runId)
    {
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetServices<ILoopStage>().OfType<TrainingStage>().Single().TickAsync(CancellationToken.None);
        }

        return await FindRunAsync(runId);
    }

    private async Task<PipelineRun> FindRunAsync(Guid runId)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IPipelineStore>().FindRunAsync(runId))!;
    }

    private async Task<string> ArtifactTextAsync(Run run, string path)
    {
        var store = Server.Services.GetRequiredService<IArtifactStore>();
        await using var stream = await store.OpenReadAsync($"{run.ExperimentId}/{run.Id}/artifacts/{path}");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Waits (bounded) until the script has written <paramref name="text"/> to its log: it is then past its start.</summary>
    private static async Task WaitForFileTextAsync(string path, string text)
    {
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!) { EnableRaisingEvents = true };
        var changed = new SemaphoreSlim(0);
        watcher.Changed += (_, _) => changed.Release();
        watcher.Created += (_, _) => changed.Release();
        var deadline = Stopwatch.StartNew();
        while (!(File.Exists(path) && (await File.ReadAllTextAsync(path)).Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(deadline.Elapsed < Bound, $"{path} did not get '{text}' within {Bound.TotalSeconds} s");
            await changed.WaitAsync(TimeSpan.FromSeconds(1));
        }
    }

    private static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            // A killed process whose parent has not reaped it yet is a zombie ('Z'): it no longer runs.
            var stat = $"/proc/{pid}/stat";
            return File.Exists(stat) && File.ReadAllText(stat).Split(')')[^1].Trim() is { Length: > 0 } rest && rest[0] != 'Z';
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

public sealed class SqlitePipelineExecutionTests(SqliteLoopServerFixture fixture) : PipelineExecutionTests<SqliteLoopServerFixture>(fixture);

public sealed class PostgresPipelineExecutionTests(PostgresLoopServerFixture fixture) : PipelineExecutionTests<PostgresLoopServerFixture>(fixture);
