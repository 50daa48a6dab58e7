using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Audit;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;
using Ferry.Server.Pipelines;
using Ferry.Server.Pipelines.Evaluation;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Governance.Gates.GateTestKit;

namespace Ferry.Server.Tests.Pipelines.Evaluation;

/// <summary>
/// The loop's challenger evaluation on a real server: rf_pipeline (version 1, AUC 0.713 on the 800 test rows of
/// ../shared/models) serves an endpoint, the 800 rows are predicted through it and labelled, a dataset holds them out,
/// and a run in <c>evaluating</c> compares lr_pipeline (version 2, AUC 0.767) with it. Expected AUCs and DeLong's
/// difference come from gate_expected.json (make_gate_expected.py: scikit-learn on the libraries' own probabilities;
/// ONNX's float32 answers differ by up to 1.7e-7, hence 1e-4). The periodic loop is off: the tests tick it.
/// </summary>
public abstract class EvaluationStageTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LoopServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [Fact]
    public async Task Backtest_BetterChallenger_StoresEvaluationAndMovesToPromoting()
    {
        var setup = await SetUpAsync(new EvaluationPlan { BootstrapSamples = 300, FairnessAttribute = "employment_type" });
        var run = await StartRunAsync(setup, champion: setup.Versions[0], challenger: setup.Versions[1]);

        await TickAsync();

        var after = await RunAsync(run.Id);
        Assert.Equal(LoopPhases.Promoting, after.Phase);
        Assert.Null(after.Error);
        var evaluation = await EvaluationAsync(after.EvaluationId!.Value);
        Assert.Equal(run.Id, evaluation.PipelineRunId);
        Assert.Equal(800, evaluation.Rows);
        Assert.Equal("roc_auc", evaluation.Metric);
        var models = Expected.GetProperty("models");
        Assert.Equal(Number(models, "rf_pipeline", "auc"), evaluation.ChampionValue, 1e-4);
        Assert.Equal(Number(models, "lr_pipeline", "auc"), evaluation.ChallengerValue, 1e-4);
        Assert.Equal("delong", evaluation.PairedTest);
        // Two-sided DeLong p from gate_expected.json's difference and SE: 2 · scipy.stats.norm.sf(0.053305 / 0.014004).
        Assert.Equal(0.0001410708358087357, evaluation.PValue, 2e-5);
        Assert.True(evaluation.DifferenceLow > 0 && evaluation.DifferenceLow < Number(Expected, "delong", "lr_pipeline vs rf_pipeline", "difference")
            && evaluation.DifferenceHigh > Number(Expected, "delong", "lr_pipeline vs rf_pipeline", "difference"), evaluation.Summary);
        Assert.Equal(EvaluationVerdicts.Better, evaluation.Verdict);
        Assert.NotNull(evaluation.CompletedAt);

        // Every binary metric with both values, its interval and its test; accuracy's is McNemar's.
        var metrics = JsonNode.Parse(evaluation.MetricsJson)!["metrics"]!.AsArray();
        Assert.Equal(["roc_auc", "accuracy", "f1", "log_loss", "brier"], metrics.Select(m => m!["metric"]!.GetValue<string>()));
        var accuracy = metrics.Single(m => m!["metric"]!.GetValue<string>() == "accuracy")!;
        Assert.Equal("mcnemar", accuracy["test"]!.GetValue<string>());
        Assert.Equal(Number(models, "lr_pipeline", "accuracy"), accuracy["challenger"]!.GetValue<double>(), 1.0 / 800);
        Assert.Equal(Number(models, "rf_pipeline", "accuracy"), accuracy["champion"]!.GetValue<double>(), 1.0 / 800);
        var logLoss = metrics.Single(m => m!["metric"]!.GetValue<string>() == "log_loss")!;
        Assert.Equal(Number(models, "rf_pipeline", "log_loss") - Number(models, "lr_pipeline", "log_loss"), logLoss["difference"]!.GetValue<double>(), 1e-5);

        // Curves of both, fairness per group of both (the challenger's rates are numpy's), prediction drift.
        var curves = JsonNode.Parse(evaluation.CurvesJson)!;
        Assert.Equal(1.0, curves["roc"]!["challenger"]!.AsArray()[^1]![1]!.GetValue<double>());
        Assert.NotEmpty(curves["calibration"]!["champion"]!.AsArray());
        var fairness = JsonNode.Parse(evaluation.FairnessJson)!;
        Assert.Equal("employment_type", fairness["attribute"]!.GetValue<string>());
        foreach (var group in Expected.GetProperty("fairness").GetProperty("employment_type").GetProperty("groups").EnumerateObject())
        {
            var row = fairness["groups"]!.AsArray().Single(g => g!["group"]!.GetValue<string>() == group.Name)!["challenger"]!;
            Assert.Equal(group.Value.GetProperty("rows").GetInt32(), fairness["groups"]!.AsArray().Single(g => g!["group"]!.GetValue<string>() == group.Name)!["rows"]!.GetValue<int>());
            Assert.Equal(group.Value.GetProperty("selection_rate").GetDouble(), row["positiveRate"]!.GetValue<double>(), 1e-12);
            Assert.Equal(group.Value.GetProperty("tpr").GetDouble(), row["tpr"]!.GetValue<double>(), 1e-12);
        }

        Assert.Equal(0.25 - 0.04477611940298507, fairness["gaps"]!["challenger"]!["positiveRate"]!.GetValue<double>(), 1e-12);
        var drift = JsonNode.Parse(evaluation.DriftJson)!;
        Assert.InRange(drift["jensenShannon"]!.GetValue<double>(), 1e-6, 0.8326);
        Assert.InRange(drift["ks"]!.GetValue<double>(), 1e-6, 1);

        var audit = await AuditAsync("evaluation.complete", evaluation.Id);
        Assert.Contains("\"verdict\":\"better\"", audit.Summary, StringComparison.Ordinal);
        Assert.Equal(LoopActors.Loop, audit.Actor);

        // The same comparison by hand through the API, on the same window with the same seed: the same numbers.
        var admin = Server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync($"/api/v1/endpoints/{setup.Endpoint}/evaluations", new
        {
            challenger = new { model = setup.Model, version = setup.Versions[1] },
            from = DateTimeOffset.FromUnixTimeMilliseconds(setup.Dataset.HoldoutFrom!.Value),
            to = DateTimeOffset.FromUnixTimeMilliseconds(setup.Dataset.To),
            bootstrapSamples = 300,
            fairnessAttribute = "employment_type",
        });
        var manual = await response.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(setup.Versions[0], manual.GetProperty("championVersion").GetInt32());
        Assert.Equal(evaluation.ChallengerValue, manual.GetProperty("challengerValue").GetDouble());
        Assert.Equal((evaluation.DifferenceLow, evaluation.DifferenceHigh), (manual.GetProperty("differenceLow").GetDouble(), manual.GetProperty("differenceHigh").GetDouble()));
        Assert.Equal("better", manual.GetProperty("verdict").GetString());
        using var list = await admin.GetAsync($"/api/v1/evaluations?endpoint={setup.Endpoint}");
        var listed = (await list.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([manual.GetProperty("id").GetGuid(), evaluation.Id], listed);
        using var one = await admin.GetAsync($"/api/v1/evaluations/{evaluation.Id}");
        var shown = await one.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("delong", shown.GetProperty("pairedTest").GetString());
        Assert.Equal(5, shown.GetProperty("metrics").GetProperty("metrics").GetArrayLength());
    }

    [Fact]
    public async Task Backtest_WorseChallenger_RejectedWithTheReason()
    {
        var setup = await SetUpAsync(new EvaluationPlan { BootstrapSamples = 300 });
        // lr_pipeline (version 2) is the champion; rf_pipeline (version 1) challenges it.
        var run = await StartRunAsync(setup, champion: setup.Versions[1], challenger: setup.Versions[0]);

        await TickAsync();

        var after = await RunAsync(run.Id);
        Assert.Equal(LoopPhases.Rejected, after.Phase);
        Assert.StartsWith("challenger evaluation: worse:", after.Error, StringComparison.Ordinal);
        var evaluation = await EvaluationAsync(after.EvaluationId!.Value);
        Assert.Equal(EvaluationVerdicts.Worse, evaluation.Verdict);
        Assert.True(evaluation.DifferenceLow < -0.01, evaluation.Summary);
        Assert.Equal(Number(Expected, "delong", "rf_pipeline vs lr_pipeline", "difference"), evaluation.ChallengerValue - evaluation.ChampionValue, 1e-4);
    }

    [Fact]
    public async Task Backtest_TooFewLabelledRows_InconclusiveAndRejected()
    {
        var setup = await SetUpAsync(new EvaluationPlan { BootstrapSamples = 100 }, labelled: 20);
        var run = await StartRunAsync(setup, champion: setup.Versions[0], challenger: setup.Versions[1]);

        await TickAsync();

        var after = await RunAsync(run.Id);
        Assert.Equal(LoopPhases.Rejected, after.Phase);
        var evaluation = await EvaluationAsync(after.EvaluationId!.Value);
        Assert.Equal(EvaluationVerdicts.Inconclusive, evaluation.Verdict);
        Assert.Equal(20, evaluation.Rows);
        Assert.Contains("Only 20 labelled rows", evaluation.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shadow_PassingChallenger_RouteAddedBothLoggedComparedAndRemoved()
    {
        var setup = await SetUpAsync(new EvaluationPlan { BootstrapSamples = 200, Margin = 0.15, ShadowRows = 200 });
        var run = await StartRunAsync(setup, champion: setup.Versions[0], challenger: setup.Versions[1]);

        await TickAsync(); // the backtest: better, so on to the shadow
        var shadowing = await RunAsync(run.Id);
        Assert.Equal(LoopPhases.Shadowing, shadowing.Phase);
        var pending = await EvaluationAsync(shadowing.EvaluationId!.Value);
        Assert.Equal(EvaluationVerdicts.Pending, pending.Verdict);
        Assert.Equal("better", JsonNode.Parse(pending.MetricsJson)!["backtest"]!["verdict"]!.GetValue<string>());

        await TickAsync(); // the shadow route goes on
        var routes = await ActiveRoutesAsync(setup.Endpoint);
        Assert.Contains(routes, r => r.Role == RouteRole.Shadow && r.ModelName == setup.Model && r.Version == setup.Versions[1]);
        Assert.Contains(routes, r => r.Role == RouteRole.Weighted && r.Version == setup.Versions[0]);
        Assert.NotNull((await EvaluationAsync(pending.Id)).ShadowStartedAt);

        await TickAsync(); // no live requests yet: it waits
        Assert.Equal(LoopPhases.Shadowing, (await RunAsync(run.Id)).Phase);

        // 200 live requests: the champion answers, the challenger shadows; then their labels arrive.
        var live = Records("test.csv").Take(200).ToList();
        var ids = await PredictAsync(setup.Endpoint, live);
        await LabelAsync(setup.Endpoint, ids, Labels("test_labels.csv", "default").Take(200).ToList());
        var logged = await Server.Services.GetRequiredService<IPredictionStore>().FindAsync(setup.Endpoint, ids[0]);
        Assert.Contains($"\"{setup.Model}:{setup.Versions[1]}\"", logged!.Prediction.ShadowOutputsJson, StringComparison.Ordinal);

        await TickAsync(); // 200 answered: compared, the route comes off, on to promotion

        var after = await RunAsync(run.Id);
        Assert.Equal(LoopPhases.Promoting, after.Phase);
        var evaluation = await EvaluationAsync(after.EvaluationId!.Value);
        Assert.NotEqual(EvaluationVerdicts.Pending, evaluation.Verdict);
        Assert.NotNull(evaluation.CompletedAt);
        var shadow = JsonNode.Parse(evaluation.ShadowJson!)!;
        Assert.Equal("done", shadow["status"]!.GetValue<string>());
        Assert.Equal(200, shadow["answered"]!.GetValue<int>());
        Assert.Equal(200, shadow["labelled"]!.GetValue<int>());
        Assert.Equal("labels", shadow["decidedBy"]!.GetValue<string>());
        Assert.InRange(shadow["agreement"]!.GetValue<double>(), 0.5, 1);
        Assert.Equal("roc_auc", shadow["metric"]!["metric"]!.GetValue<string>());
        Assert.Equal(evaluation.Verdict, shadow["verdict"]!.GetValue<string>());
        Assert.StartsWith("Shadow, on 200 labelled live requests", evaluation.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(await ActiveRoutesAsync(setup.Endpoint), r => r.Role == RouteRole.Shadow);
        var audit = await AuditAsync("evaluation.shadow", evaluation.Id, started: false);
        Assert.Contains("\"next\":\"promoting\"", audit.Summary, StringComparison.Ordinal);
    }

    private sealed record Setup(string Model, int[] Versions, string Endpoint, TrainingPipeline Pipeline, TrainingDataset Dataset);

    /// <summary>
    /// Registers rf_pipeline (1) and lr_pipeline (2), serves version 1 on a new endpoint, predicts the 800 test rows
    /// through it, labels the first <paramref name="labelled"/>, and stores a pipeline with <paramref name="plan"/> and
    /// a dataset whose held-out window holds exactly those rows.
    /// </summary>
    private async Task<Setup> SetUpAsync(EvaluationPlan plan, int labelled = 800)
    {
        var (model, versions) = await RegisterAsync(Server, "rf_pipeline", "lr_pipeline");
        var endpoint = Mlflow.Registry.RegistryTestKit.UniqueName("loop-ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version = versions[0], weight = 100 });
        var start = Server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var ids = await PredictAsync(endpoint, Records("test.csv"));
        await LabelAsync(endpoint, [.. ids.Take(labelled)], [.. Labels("test_labels.csv", "default").Take(labelled)]);
        var end = Server.Clock.GetUtcNow().ToUnixTimeMilliseconds() + 1;
        await using var scope = Server.Services.CreateAsyncScope();
        var pipeline = await scope.ServiceProvider.GetRequiredService<IPipelineStore>().CreateAsync(new TrainingPipeline
        {
            Name = Mlflow.Registry.RegistryTestKit.UniqueName("loop"),
            EndpointName = endpoint,
            ModelName = model,
            SpecJson = new PipelineSpec { Evaluation = plan }.ToJson(),
        }, "tests");
        var dataset = await scope.ServiceProvider.GetRequiredService<ITrainingDatasetStore>().AddAsync(new TrainingDataset
        {
            Id = Guid.CreateVersion7(),
            Name = pipeline.Name + "-data",
            EndpointName = endpoint,
            From = start - 3_600_000,
            To = end,
            AsOf = end,
            HoldoutFrom = start,
            HoldoutRows = labelled,
            CreatedAt = end,
        }, "tests");
        return new Setup(model, versions, endpoint, pipeline, dataset);
    }

    /// <summary>A manual run of the pipeline, moved to <c>evaluating</c> as the training stage leaves it.</summary>
    private async Task<PipelineRun> StartRunAsync(Setup setup, int champion, int challenger)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var (_, run) = await scope.ServiceProvider.GetRequiredService<PipelineFiring>().FireAsync(setup.Pipeline.Name, TriggerKinds.Manual, "test", "tests", "tests");
        Assert.NotNull(run);
        run.Phase = LoopPhases.Evaluating;
        run.Status = PipelineRunStatus.Succeeded;
        run.DatasetId = setup.Dataset.Id;
        run.ChampionVersion = champion;
        run.ChallengerVersion = challenger;
        await scope.ServiceProvider.GetRequiredService<IPipelineStore>().UpdateRunAsync(run);
        return run;
    }

    // Only the evaluation stage ticks, so the promotion stage (which would start a ramp in the same tick) leaves the run in `promoting`.
    private async Task TickAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetServices<ILoopStage>().OfType<EvaluationStage>().Single().TickAsync(CancellationToken.None);
    }

    private async Task<PipelineRun> RunAsync(Guid id)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IPipelineStore>().FindRunAsync(id))!;
    }

    private async Task<ChallengerEvaluation> EvaluationAsync(Guid id)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IChallengerEvaluationStore>().FindAsync(id))!;
    }

    private async Task<List<TrafficRoute>> ActiveRoutesAsync(string endpoint)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var found = (await scope.ServiceProvider.GetRequiredService<IEndpointStore>().GetAsync(endpoint))!;
        return found.Policies.Single(p => p.Revision == found.ActiveRevision).Routes;
    }

    private async Task<AuditEvent> AuditAsync(string action, Guid evaluationId, bool? started = null)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery { Action = action, Limit = AuditQuery.MaxLimit, NewestFirst = true });
        return Assert.Single(events, e => e.Target.EndsWith(evaluationId.ToString(), StringComparison.Ordinal)
            && (started is null || e.Summary.Contains($"\"started\":{(started.Value ? "true" : "false")}", StringComparison.Ordinal)));
    }

    private async Task<List<Guid>> PredictAsync(string endpoint, List<JsonObject> records)
    {
        var client = Server.CreateAdminClient();
        var ids = new List<Guid>();
        foreach (var chunk in records.Chunk(200))
        {
            var answer = await ServingTestKit.PredictAsync(client, endpoint, chunk);
            ids.AddRange(answer.GetProperty("predictions").EnumerateArray().Select(p => Guid.Parse(p.GetProperty("id").GetString()!)));
        }

        await Server.WaitForPredictionLogAsync();
        return ids;
    }

    private async Task LabelAsync(string endpoint, List<Guid> ids, List<string> labels)
    {
        var admin = Server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new { feedback = ids.Select((id, i) => new { predictionId = id.ToString(), label = labels[i] }) });
        await response.AssertJsonAsync(HttpStatusCode.OK);
    }
}

/// <summary>A server whose loop does not tick by itself (tests call <see cref="LoopWorker.TickAsync"/>).</summary>
public abstract class LoopServerFixture : IAsyncLifetime
{
    private FerryTestServer? _server;

    public abstract DatabaseKind Kind { get; }

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

        _server = await FerryTestServer.StartAsync(Kind, host: builder => builder.Configuration["Ferry:Loop:Enabled"] = "false");
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

public sealed class SqliteEvaluationStageTests(SqliteLoopServerFixture fixture) : EvaluationStageTests<SqliteLoopServerFixture>(fixture);

public sealed class PostgresEvaluationStageTests(PostgresLoopServerFixture fixture) : EvaluationStageTests<PostgresLoopServerFixture>(fixture);
