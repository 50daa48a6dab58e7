using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;
using Ferry.Server.Pipelines;
using Ferry.Server.Pipelines.Promotion;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Governance.GovernanceTestKit;

namespace Ferry.Server.Tests.Pipelines.Promotion;

/// <summary>
/// The loop's promotion stage and canary ramps on SQLite and PostgreSQL with real credit models from ../shared/models
/// (logistic regression v1 as champion; a histogram GBM, a random forest or a model with another signature as the
/// challenger), real traffic through the predict route, real feedback and the test clock: a ramp that promotes, ramps
/// rolled back by each guard with an alert, a step that holds for rows, governed requests approved and rejected, mode
/// none, and the manual ramp API with cancel. The loop's periodic ticks are off; each test ticks it.
/// </summary>
public abstract class PromotionStageTests(DatabaseKind kind)
{
    private const string Model = "credit";
    private static readonly List<JsonObject> Rows = [.. SharedCreditRows.Complete()];

    [SkippableFact]
    public async Task LoopRamp_GuardsPassAtEveryStep_PromotesAndTheEndpointFollowsTheAlias()
    {
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "hgb_pipeline.onnx");
        var run = await env.PromotingRunAsync(new PromotionPlan
        {
            Steps = [10, 50, 100],
            HoldMinutes = 30,
            Guards = new RampGuards { MaxErrorRate = 0.05, MaxP99Ms = null, MaxPredictionDrift = 0.5, MaxMetricDrop = null, MinRows = 40 },
        });

        await env.TickAsync();
        run = await env.RunAsync(run.Id);
        Assert.Equal(LoopPhases.RollingOut, run.Phase);
        var rolloutId = run.RolloutId!.Value;
        Assert.Equal(W((1, 90), (2, 10)), await env.WeightsAsync());

        foreach (var (percent, next) in new[] { (10, 50), (50, 100) })
        {
            await env.TrafficAsync(challengerRows: 60);
            await env.TickAsync();
            Assert.Equal(RolloutStatus.Ramping, (await env.RolloutAsync(rolloutId)).GetProperty("status").GetString());
            Assert.Equal(percent, (await env.RolloutAsync(rolloutId)).GetProperty("percent").GetInt32());
            env.Clock.Advance(TimeSpan.FromMinutes(30));
            await env.TickAsync();
            Assert.Equal(next, (await env.RolloutAsync(rolloutId)).GetProperty("percent").GetInt32());
        }

        Assert.Equal(W((2, 100)), await env.WeightsAsync());
        await env.TrafficAsync(challengerRows: 60);
        env.Clock.Advance(TimeSpan.FromMinutes(30));
        await env.TickAsync();

        var rollout = await env.RolloutAsync(rolloutId);
        Assert.Equal(RolloutStatus.Promoted, rollout.GetProperty("status").GetString());
        Assert.Equal(LoopPhases.Promoted, (await env.RunAsync(run.Id)).Phase);
        Assert.Equal(2, await AliasAsync(env.Admin, Model, "champion"));
        var active = await env.ActiveRoutesAsync();
        var only = Assert.Single(active);
        Assert.Equal("champion", only.Alias);
        Assert.Equal(100, only.Weight);
        var kinds = rollout.GetProperty("events").EnumerateArray().Select(e => $"{e.GetProperty("kind").GetString()}@{e.GetProperty("percent").GetInt32()}").ToList();
        Assert.Equal(new[] { "step@10", "guards@10", "step@50", "guards@50", "step@100", "guards@100", "promoted@100" }, kinds);
        Assert.Equal(2, (await env.PredictAsync(Rows.Take(1))).Version);
        foreach (var action in new[] { "rollout.start", "rollout.step", "rollout.promote", "pipeline.promotion" })
        {
            Assert.NotEmpty(await env.AuditAsync(action));
        }
    }

    [SkippableFact]
    public async Task Ramp_ChallengerRefusesTheRecords_RolledBackByTheErrorRateWithAnAlert()
    {
        // linear.onnx (tests/testdata) takes other inputs: every credit record the challenger gets is refused.
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", null);
        var refusing = await ServingTestKit.RegisterTestDataAsync(env.Server, Model, "linear.onnx");
        var started = await env.StartRampAsync(refusing, [50, 100], new RampGuards { MaxErrorRate = 0.01, MaxP99Ms = null, MaxPredictionDrift = null, MaxMetricDrop = null, MinRows = 5 }, force: true);
        var id = started.GetProperty("id").GetString()!;
        var failed = 0;
        for (var i = 0; i < 200 && failed < 10; i++)
        {
            using var response = await ServingTestKit.PredictRawAsync(env.Admin, env.Endpoint, Rows.Skip(i % 40 * 10).Take(10));
            failed += response.StatusCode == HttpStatusCode.BadRequest ? 1 : 0;
        }

        Assert.True(failed >= 10, $"only {failed} requests reached the challenger");
        await env.Server.WaitForPredictionLogAsync();
        env.Clock.Advance(TimeSpan.FromMinutes(30));
        await env.TickAsync();

        var rollout = await env.RolloutAsync(Guid.Parse(id));
        Assert.Equal(RolloutStatus.RolledBack, rollout.GetProperty("status").GetString());
        Assert.Contains("error rate 1 (", rollout.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(W((1, 100)), await env.WeightsAsync());
        await env.AssertAlertAsync("error rate");
        Assert.NotEmpty(await env.AuditAsync("rollout.rollback"));
    }

    [SkippableFact]
    public async Task Ramp_P99AboveItsLimit_RolledBackWithTheMeasurement()
    {
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "hgb_pipeline.onnx");
        var started = await env.StartRampAsync(2, [50, 100], new RampGuards { MaxErrorRate = 0.05, MaxP99Ms = 0, MaxPredictionDrift = null, MaxMetricDrop = null, MinRows = 20 });
        await env.TrafficAsync(challengerRows: 30);
        env.Clock.Advance(TimeSpan.FromMinutes(30));
        await env.TickAsync();

        var rollout = await env.RolloutAsync(Guid.Parse(started.GetProperty("id").GetString()!));
        Assert.Equal(RolloutStatus.RolledBack, rollout.GetProperty("status").GetString());
        Assert.Contains("p99 latency", rollout.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var judged = rollout.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "guards");
        Assert.True(judged.GetProperty("guards").GetProperty("p99Ms").GetDouble() > 0);
        Assert.Equal(W((1, 100)), await env.WeightsAsync());
        await env.AssertAlertAsync("p99 latency");
    }

    [SkippableFact]
    public async Task Ramp_ChallengerScoresDrift_RolledBackByPredictionDrift()
    {
        // Random forest against logistic regression: their test-set score distributions lie 0.30 apart (Jensen–Shannon).
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "rf_pipeline.onnx");
        var started = await env.StartRampAsync(2, [50, 100], new RampGuards { MaxErrorRate = 0.05, MaxP99Ms = null, MaxPredictionDrift = 0.15, MaxMetricDrop = null, MinRows = 150 });
        await env.TrafficAsync(challengerRows: 200, championRows: 200);
        env.Clock.Advance(TimeSpan.FromMinutes(30));
        await env.TickAsync();

        var rollout = await env.RolloutAsync(Guid.Parse(started.GetProperty("id").GetString()!));
        Assert.Equal(RolloutStatus.RolledBack, rollout.GetProperty("status").GetString());
        Assert.Contains("prediction drift", rollout.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await env.AssertAlertAsync("prediction drift");
    }

    [SkippableFact]
    public async Task Ramp_LabelsShowTheChallengerWorse_RolledBackByTheRealizedMetric()
    {
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "hgb_pipeline.onnx");
        var started = await env.StartRampAsync(2, [50, 100], new RampGuards { MaxErrorRate = 0.05, MaxP99Ms = null, MaxPredictionDrift = null, MaxMetricDrop = 0.05, MinRows = 30 });
        var served = await env.TrafficAsync(challengerRows: 60, championRows: 60);

        // Ground truth that ranks the champion's answers perfectly and the challenger's backwards.
        var feedback = served.Select(p => new { predictionId = p.Id, label = (p.Version == 1) == (p.Score >= 0.16) ? "1" : "0" }).ToArray();
        using (var response = await env.Admin.PostAsJsonAsync($"/api/v1/endpoints/{env.Endpoint}/feedback", new { feedback }))
        {
            await response.AssertJsonAsync(HttpStatusCode.OK);
        }

        env.Clock.Advance(TimeSpan.FromMinutes(30));
        await env.TickAsync();

        var rollout = await env.RolloutAsync(Guid.Parse(started.GetProperty("id").GetString()!));
        Assert.Equal(RolloutStatus.RolledBack, rollout.GetProperty("status").GetString());
        Assert.Contains("realized roc_auc 0 against the champion's 1", rollout.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await env.AssertAlertAsync("realized roc_auc");
    }

    [SkippableFact]
    public async Task Ramp_TooFewChallengerRows_HoldsAndSaysSoOnce()
    {
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "hgb_pipeline.onnx");
        var started = await env.StartRampAsync(2, [50, 100], new RampGuards { MinRows = 100_000 });
        var id = Guid.Parse(started.GetProperty("id").GetString()!);
        await env.TrafficAsync(challengerRows: 10);
        env.Clock.Advance(TimeSpan.FromMinutes(30));
        await env.TickAsync();
        await env.TickAsync();

        var rollout = await env.RolloutAsync(id);
        Assert.Equal(RolloutStatus.Ramping, rollout.GetProperty("status").GetString());
        Assert.Equal(50, rollout.GetProperty("percent").GetInt32());
        var holding = Assert.Single(rollout.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "guards");
        Assert.StartsWith("holding at 50 %", holding.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(W((1, 50), (2, 50)), await env.WeightsAsync());
    }

    [SkippableFact]
    public async Task ManualRamp_Cancelled_BackToTheBaselineAndListedAsCancelled()
    {
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "hgb_pipeline.onnx");
        var started = await env.StartRampAsync(2, [10, 100], new RampGuards());
        var id = started.GetProperty("id").GetString()!;
        Assert.Equal("ramping", started.GetProperty("status").GetString());
        using (var second = await env.Admin.PostAsJsonAsync($"/api/v1/endpoints/{env.Endpoint}/rollouts", new { model = Model, version = 2 }))
        {
            await second.AssertProblemAsync(HttpStatusCode.Conflict);
        }

        var active = await (await env.Admin.GetAsync($"/api/v1/rollouts?endpoint={env.Endpoint}&active=true")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(active.GetProperty("rollouts").EnumerateArray()).GetProperty("id").GetString());

        var viewer = env.Server.CreateClient(await env.Server.CreateTokenAsync(Role.Viewer, "vic"));
        using (var refused = await viewer.PostAsync($"/api/v1/rollouts/{id}/cancel", null))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        var scientist = env.Server.CreateClient(await env.Server.CreateTokenAsync(Role.Scientist, "sam"));
        using var cancel = await scientist.PostAsync($"/api/v1/rollouts/{id}/cancel", null);
        var cancelled = await cancel.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(RolloutStatus.Cancelled, cancelled.GetProperty("status").GetString());
        Assert.Equal("cancelled by sam", cancelled.GetProperty("reason").GetString());
        Assert.Equal(W((1, 100)), await env.WeightsAsync());
        Assert.Empty((await (await env.Admin.GetAsync($"/api/v1/rollouts?endpoint={env.Endpoint}&active=true")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("rollouts").EnumerateArray());
        Assert.NotEmpty(await env.AuditAsync("rollout.cancel"));
        using (var again = await scientist.PostAsync($"/api/v1/rollouts/{id}/cancel", null))
        {
            await again.AssertProblemAsync(HttpStatusCode.Conflict);
        }
    }

    [SkippableFact]
    public async Task GovernedModel_RunOpensARequestWithTheEvaluation_ApprovalPromotesTheRun()
    {
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "hgb_pipeline.onnx", governed: true);
        var run = await env.PromotingRunAsync(new PromotionPlan());

        await env.TickAsync();
        run = await env.RunAsync(run.Id);
        Assert.Equal(LoopPhases.AwaitingApproval, run.Phase);
        var request = await (await env.Admin.GetAsync($"/api/v1/promotions/{run.PromotionRequestId}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("pending", request.GetProperty("state").GetString());
        Assert.Equal(LoopActors.Loop, request.GetProperty("requestedBy").GetString());
        Assert.Contains($"challenger evaluation {run.EvaluationId}", request.GetProperty("justification").GetString(), StringComparison.Ordinal);
        Assert.Contains("verdict better", request.GetProperty("justification").GetString(), StringComparison.Ordinal);
        Assert.Empty((await (await env.Admin.GetAsync("/api/v1/rollouts")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("rollouts").EnumerateArray());

        var approver = env.Server.CreateClient(await env.Server.CreateTokenAsync(Role.Approver, "alice"));
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(approver, run.PromotionRequestId!.Value.ToString(), "approve", "evidence holds")).Status);
        await env.TickAsync();

        Assert.Equal(LoopPhases.Promoted, (await env.RunAsync(run.Id)).Phase);
        Assert.Equal(2, await AliasAsync(env.Admin, Model, "champion"));
        Assert.Equal(2, (await env.PredictAsync(Rows.Take(1))).Version);
    }

    [SkippableFact]
    public async Task GovernedModel_RequestRejected_RunRejectedWithTheReason()
    {
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "hgb_pipeline.onnx", governed: true);
        var run = await env.PromotingRunAsync(new PromotionPlan { Mode = "request" });
        await env.TickAsync();
        run = await env.RunAsync(run.Id);
        var approver = env.Server.CreateClient(await env.Server.CreateTokenAsync(Role.Approver, "alice"));
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(approver, run.PromotionRequestId!.Value.ToString(), "reject", "not this quarter")).Status);
        await env.TickAsync();

        run = await env.RunAsync(run.Id);
        Assert.Equal(LoopPhases.Rejected, run.Phase);
        Assert.Equal($"promotion request {run.PromotionRequestId} rejected by alice: not this quarter", run.Error);
        Assert.Equal(1, await AliasAsync(env.Admin, Model, "champion"));
    }

    [SkippableFact]
    public async Task ModeNone_RunRejected_ChallengerStaysRegistered()
    {
        await using var env = await Env.StartAsync(kind, "lr_pipeline.onnx", "hgb_pipeline.onnx");
        var run = await env.PromotingRunAsync(new PromotionPlan { Mode = "none" });
        await env.TickAsync();

        run = await env.RunAsync(run.Id);
        Assert.Equal(LoopPhases.Rejected, run.Phase);
        Assert.Equal(PromotionStage.NoneError, run.Error);
        Assert.Equal(W((1, 100)), await env.WeightsAsync());
        Assert.Equal(1, await AliasAsync(env.Admin, Model, "champion"));
    }

    private static List<(int, int)> W(params (int, int)[] weights) => [.. weights];

    /// <summary>A served prediction: its id, the version that answered and its score of class 1.</summary>
    private sealed record Served(string Id, int Version, double Score);

    /// <summary>A server on the test clock with v1 (champion alias, on the endpoint) and optionally v2 of the credit model.</summary>
    private sealed class Env : IAsyncDisposable
    {
        private Env(FerryTestServer server, TestClock clock, string endpoint)
        {
            Server = server;
            Clock = clock;
            Endpoint = endpoint;
            Admin = server.CreateAdminClient();
        }

        public FerryTestServer Server { get; }

        public TestClock Clock { get; }

        public string Endpoint { get; }

        public HttpClient Admin { get; }

        public static async Task<Env> StartAsync(DatabaseKind kind, string champion, string? challenger, bool governed = false)
        {
            DatabaseRequirement.EnsureAvailable(kind);
            var clock = new TestClock();
            // The log writes every request's rows at once (a batch of one fills), so no flush interval waits on the test clock.
            var server = await FerryTestServer.StartAsync(kind, clock: clock,
                services: services => services.Configure<PredictionLogOptions>(o => o.BatchSize = 1),
                host: builder => builder.Configuration["Ferry:Loop:Enabled"] = "false");
            var env = new Env(server, clock, "credit-ep");
            var v1 = await RegisterCreditAsync(server, Model, champion);
            if (challenger is not null)
            {
                await RegisterCreditAsync(server, Model, challenger);
            }

            using (var alias = await MlflowPostAsync(env.Admin, "registered-models/alias", new { name = Model, alias = "champion", version = v1.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            {
                Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
            }

            await ServingTestKit.DeployAsync(server, env.Endpoint, new { model = Model, version = v1, weight = 100 });
            if (governed)
            {
                await WriteCardAsync(env.Admin, Model, 1);
                await WriteCardAsync(env.Admin, Model, 2);
                using var policy = await env.Admin.PutAsJsonAsync($"/api/v1/models/{Model}/policy", new { tier = "medium" });
                await policy.AssertJsonAsync(HttpStatusCode.OK);
            }

            return env;
        }

        /// <summary>A pipeline on the endpoint and a run in <c>promoting</c> with v2 as challenger and a passing evaluation, put through the stores.</summary>
        public async Task<PipelineRun> PromotingRunAsync(PromotionPlan plan)
        {
            await using var scope = Server.Services.CreateAsyncScope();
            var pipelines = scope.ServiceProvider.GetRequiredService<IPipelineStore>();
            var spec = new PipelineSpec { Command = new TrainingCommand { Executable = "true" }, Dataset = null, Promotion = plan };
            var pipeline = await pipelines.CreateAsync(new TrainingPipeline
            {
                Name = "credit-retrain",
                EndpointName = Endpoint,
                ModelName = Model,
                ExperimentName = "credit-retrain",
                SpecJson = spec.ToJson(),
            }, "admin");
            var (_, run) = await scope.ServiceProvider.GetRequiredService<PipelineFiring>()
                .FireAsync(pipeline.Name, TriggerKinds.Manual, "by hand", "admin", "admin");
            var evaluation = await scope.ServiceProvider.GetRequiredService<IChallengerEvaluationStore>().AddAsync(new ChallengerEvaluation
            {
                Id = Guid.CreateVersion7(),
                PipelineRunId = run!.Id,
                EndpointName = Endpoint,
                ModelName = Model,
                ChampionVersion = 1,
                ChallengerVersion = 2,
                Rows = 160,
                Metric = "roc_auc",
                ChampionValue = 0.7667,
                ChallengerValue = 0.7702,
                DifferenceLow = 0.001,
                DifferenceHigh = 0.008,
                PairedTest = "delong",
                PValue = 0.03,
                Verdict = EvaluationVerdicts.Better,
                Summary = "better on the held-out window",
            });
            run.Phase = LoopPhases.Promoting;
            run.Status = PipelineRunStatus.Succeeded;
            run.ChampionVersion = 1;
            run.ChallengerVersion = 2;
            run.EvaluationId = evaluation.Id;
            await pipelines.UpdateRunAsync(run);
            return run;
        }

        public async Task<JsonElement> StartRampAsync(int version, int[] steps, RampGuards guards, bool force = false)
        {
            using var response = await Admin.PostAsJsonAsync($"/api/v1/endpoints/{Endpoint}/rollouts", new { model = Model, version, steps, holdMinutes = 30, guards, force });
            return await response.AssertJsonAsync(HttpStatusCode.Created);
        }

        public Task TickAsync() => Server.Services.GetRequiredService<LoopWorker>().TickAsync();

        public async Task<PipelineRun> RunAsync(Guid id)
        {
            await using var scope = Server.Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<IPipelineStore>().FindRunAsync(id))!;
        }

        public async Task<JsonElement> RolloutAsync(Guid id) =>
            await (await Admin.GetAsync($"/api/v1/rollouts/{id}")).AssertJsonAsync(HttpStatusCode.OK);

        public async Task<IReadOnlyList<TrafficRoute>> ActiveRoutesAsync()
        {
            await using var scope = Server.Services.CreateAsyncScope();
            var endpoint = (await scope.ServiceProvider.GetRequiredService<IEndpointStore>().GetAsync(Endpoint))!;
            return endpoint.Policies.Single(p => p.Revision == endpoint.ActiveRevision).Routes;
        }

        /// <summary>The weighted routes now as (version, weight), aliases resolved.</summary>
        public async Task<List<(int, int)>> WeightsAsync()
        {
            await using var scope = Server.Services.CreateAsyncScope();
            var policy = (await scope.ServiceProvider.GetRequiredService<IEndpointStore>().ResolveAsync(Endpoint))!;
            return [.. policy.Routes.Where(r => r.Role == RouteRole.Weighted).Select(r => (r.Version, r.Weight)).OrderBy(r => r.Version)];
        }

        public async Task<Served> PredictAsync(IEnumerable<JsonObject> records) =>
            (await PredictManyAsync(records))[0];

        /// <summary>Sends the shared credit rows ten to a request until the challenger (any version but 1) and the champion answered enough rows; then waits for the log.</summary>
        public async Task<List<Served>> TrafficAsync(int challengerRows, int championRows = 0)
        {
            var served = new List<Served>();
            for (var i = 0; i < 2_000 && (served.Count(s => s.Version != 1) < challengerRows || served.Count(s => s.Version == 1) < championRows); i++)
            {
                served.AddRange(await PredictManyAsync(Rows.Skip(i * 10 % (Rows.Count - 10)).Take(10)));
            }

            Assert.True(served.Count(s => s.Version != 1) >= challengerRows, "the challenger got too few rows");
            await Server.WaitForPredictionLogAsync();
            return served;
        }

        public async Task AssertAlertAsync(string contains)
        {
            var alerts = await (await Admin.GetAsync("/api/v1/alerts?status=open&monitor=rollout")).AssertJsonAsync(HttpStatusCode.OK);
            var alert = Assert.Single(alerts.GetProperty("alerts").EnumerateArray());
            Assert.Equal(RolloutService.CheckKey(Endpoint), alert.GetProperty("check").GetString());
            Assert.Contains(contains, alert.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        public async Task<List<JsonElement>> AuditAsync(string action) =>
            [.. (await (await Admin.GetAsync($"/api/v1/audit?action={action}")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("events").EnumerateArray()];

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();

        private async Task<List<Served>> PredictManyAsync(IEnumerable<JsonObject> records)
        {
            var answer = await ServingTestKit.PredictAsync(Admin, Endpoint, records);
            return [.. answer.GetProperty("predictions").EnumerateArray().Select(p => new Served(
                p.GetProperty("id").GetString()!,
                p.GetProperty("version").GetInt32(),
                p.TryGetProperty("probabilities", out var probabilities) && probabilities.ValueKind == JsonValueKind.Object ? probabilities.GetProperty("1").GetDouble() : double.NaN))];
        }
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqlitePromotionStageTests() : PromotionStageTests(DatabaseKind.Sqlite);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresPromotionStageTests() : PromotionStageTests(DatabaseKind.PostgreSql);
