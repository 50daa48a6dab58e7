using System.Text;
using Ferry.Core.Artifacts;
using Ferry.Core.Governance;
using Ferry.Core.Pipelines;
using Ferry.Core.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Testing;

/// <summary>
/// Seeds one endpoint's closed loop straight into the loop's stores, as its stages would leave it: a pipeline with a
/// schedule, an alert and a label-count trigger; firings that started runs, found the pipeline busy and cooling down;
/// run 1 rolled back, run 2 failed (with a long stdout ending in a hostile line, and a stderr), run 3 rolling out at
/// 50 %; a dataset; an evaluation with every detail field; a rolled-back ramp and a ramping one with events.
/// <para>
/// The evaluation's curves were chosen so their areas and calibration errors are not rounding ties; scikit-learn 1.2
/// gives <c>auc([0,.1,.35,1],[0,.45,.77,1]) = 0.75025</c> and <c>auc([0,.12,.3,1],[0,.57,.83,1]) = 0.8007</c>, and
/// the row-weighted mean |observed − predicted| of the calibration bins is 0.020175 (champion) and 0.005439
/// (challenger) (numpy).
/// </para>
/// </summary>
public sealed record LoopScene(
    string Endpoint, string Model, int Champion, int Challenger, string Pipeline, string Dataset, string TrackingRunId,
    Guid EvaluationId, Guid RolledBackId, Guid RampingId, Guid PromotionRequestId, DateTimeOffset Start, byte[] Stdout)
{
    /// <summary>The dataset's digest.</summary>
    public const string Digest = "9f2c4e1ab7d05c38e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";

    /// <summary>The first line of run 2's stdout (cut off by the page's 64 KiB tail).</summary>
    public const string FirstLine = "FIRST-LINE-OF-THE-LOG";

    /// <summary>The dataset file's bytes.</summary>
    public static byte[] DatasetBytes { get; } = Encoding.ASCII.GetBytes("PAR1 not really parquet, only bytes to download PAR1");

    /// <summary>Seeds the scene for <paramref name="endpoint"/> (which serves <paramref name="model"/> v<paramref name="champion"/>).</summary>
    public static async Task<LoopScene> SeedAsync(IServiceProvider services, TimeProvider clock, string endpoint, string model, int champion, int challenger)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(clock);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var pipelines = sp.GetRequiredService<IPipelineStore>();
        var datasets = sp.GetRequiredService<ITrainingDatasetStore>();
        var evaluations = sp.GetRequiredService<IChallengerEvaluationStore>();
        var rollouts = sp.GetRequiredService<IRolloutStore>();
        var tracking = sp.GetRequiredService<ITrackingStore>();
        var artifacts = sp.GetRequiredService<IArtifactStore>();
        var now = clock.GetUtcNow();
        var start = now.AddHours(-3);
        long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

        var name = $"retrain-{Guid.NewGuid():N}"[..24];
        var spec = new PipelineSpec
        {
            Command = new TrainingCommand { Executable = "python3", Arguments = ["train.py"] },
            Triggers = new PipelineTriggers { Cron = "0 0 3 ? * MON", Alerts = ["drift"], NewLabels = 500, CooldownMinutes = 90 },
        };
        var pipeline = await pipelines.CreateAsync(new TrainingPipeline
        {
            Id = Guid.NewGuid(),
            Name = name,
            EndpointName = endpoint,
            ModelName = model,
            ExperimentName = name,
            SpecJson = spec.ToJson(),
            CreatedAt = Ms(start),
            UpdatedAt = Ms(start),
        }, "test");

        var dataset = await datasets.AddAsync(new TrainingDataset
        {
            Id = Guid.NewGuid(),
            Name = $"{name}-data",
            EndpointName = endpoint,
            From = Ms(start.AddDays(-30)),
            To = Ms(start),
            AsOf = Ms(start),
            Rows = 1000,
            LabelledRows = 800,
            LabelCoverage = 0.8,
            HoldoutRows = 160,
            Digest = Digest,
            ArtifactPath = $"datasets/{name}/train.parquet",
            SizeBytes = DatasetBytes.Length,
            CreatedBy = "ferry-loop",
            CreatedAt = Ms(start),
        }, "test");
        await artifacts.PutAsync(dataset.ArtifactPath, new MemoryStream(DatasetBytes));

        // Run 1: an alert fired it; it reached a ramp that rolled back.
        var (_, run1) = await FireAsync(pipelines, pipeline, TriggerKinds.Alert, "drift.psi on income: 0.31 above 0.2", Ms(start.AddMinutes(1)));
        run1!.Phase = LoopPhases.RolledBack;
        run1.Status = PipelineRunStatus.Succeeded;
        run1.ExitCode = 0;
        run1.DatasetId = dataset.Id;
        run1.ChampionVersion = champion;
        run1.ChallengerVersion = challenger;
        run1.Error = "rolled back: predictionDrift 0.27 above its limit 0.2";
        await pipelines.UpdateRunAsync(run1);
        var rolledBack = await rollouts.AddAsync(new Rollout
        {
            Id = Guid.NewGuid(),
            EndpointName = endpoint,
            ModelName = model,
            ChampionVersion = champion,
            ChallengerVersion = challenger,
            PipelineRunId = run1.Id,
            Steps = "10,50,100",
            StepIndex = 0,
            StepStartedAt = Ms(start.AddMinutes(10)),
            HoldMs = 30 * 60_000,
            GuardsJson = System.Text.Json.JsonSerializer.Serialize(new RampGuards(), PipelineSpec.Json),
            StartedBy = "ferry-loop",
            StartedAt = Ms(start.AddMinutes(10)),
        });
        rolledBack.Status = RolloutStatus.RolledBack;
        rolledBack.Reason = "predictionDrift 0.27 above its limit 0.2";
        rolledBack.EndedAt = Ms(start.AddMinutes(40));
        await rollouts.UpdateAsync(rolledBack, new RolloutEvent
        {
            RolloutId = rolledBack.Id,
            At = Ms(start.AddMinutes(40)),
            Kind = "rolled_back",
            Percent = 0,
            Detail = rolledBack.Reason,
            GuardsJson = """{"rows":80,"guards":[{"name":"predictionDrift","value":0.27,"limit":0.2,"passed":false}]}""",
        });
        run1.RolloutId = rolledBack.Id;
        await pipelines.UpdateRunAsync(run1);

        // Run 2: a person started it (with a hostile reason); the training command failed with a long log.
        var (_, run2) = await FireAsync(pipelines, pipeline, TriggerKinds.Manual, "retry <img src=x onerror=alert(1)>", Ms(start.AddHours(1)));
        var experiment = await tracking.CreateExperimentAsync($"{name}-exp", null, [], "test");
        var trackingRun = await tracking.CreateRunAsync(new NewRun(experiment, "ferry-loop", $"{name}-2", Ms(start.AddHours(1)), []), "test");
        var root = trackingRun.ArtifactUri["mlflow-artifacts:".Length..].TrimStart('/');
        var stdout = new StringBuilder(FirstLine).Append('\n');
        for (var i = 0; stdout.Length < 80 * 1024; i++)
        {
            stdout.Append("epoch ").Append(i).Append(": loss 0.4").Append(i % 10).Append('\n');
        }

        stdout.Append("<script>alert('pwned')</script>\n");
        var stdoutBytes = Encoding.UTF8.GetBytes(stdout.ToString());
        await artifacts.PutAsync($"{root}/logs/stdout.txt", new MemoryStream(stdoutBytes));
        await artifacts.PutAsync($"{root}/logs/stderr.txt", new MemoryStream(Encoding.UTF8.GetBytes("Traceback: ValueError: no labelled rows\n")));
        run2!.Phase = LoopPhases.Failed;
        run2.Status = PipelineRunStatus.Failed;
        run2.ExitCode = 3;
        run2.TrackingRunId = trackingRun.Id;
        run2.DatasetId = dataset.Id;
        run2.StartedAt = Ms(start.AddHours(1).AddMinutes(1));
        run2.EndedAt = Ms(start.AddHours(1).AddMinutes(4));
        run2.Error = "training command exited with code 3";
        await pipelines.UpdateRunAsync(run2);

        // Run 3: an alert fired it; its challenger was better and ramps at 50 %. Then a busy and a cooling-down firing.
        var (_, run3) = await FireAsync(pipelines, pipeline, TriggerKinds.Alert, "drift.psi on income: 0.35 above 0.2", Ms(start.AddHours(2)));
        await FireAsync(pipelines, pipeline, TriggerKinds.Schedule, "0 0 3 ? * MON", Ms(start.AddHours(2).AddMinutes(30)));
        await pipelines.FireAsync(new TriggerFiring
        {
            Id = Guid.NewGuid(),
            PipelineId = pipeline.Id,
            PipelineName = pipeline.Name,
            Kind = TriggerKinds.Labels,
            Reason = "500 new labelled rows",
            Outcome = FiringOutcomes.CoolingDown,
            At = Ms(start.AddHours(2).AddMinutes(40)),
        }, null);
        var evaluation = await evaluations.AddAsync(new ChallengerEvaluation
        {
            Id = Guid.NewGuid(),
            PipelineRunId = run3!.Id,
            EndpointName = endpoint,
            ModelName = model,
            ChampionVersion = champion,
            ChallengerVersion = challenger,
            WindowFrom = Ms(start.AddDays(-6)),
            WindowTo = Ms(start),
            Rows = 1000,
            Metric = "roc_auc",
            ChampionValue = 0.812,
            ChallengerValue = 0.836,
            DifferenceLow = 0.009,
            DifferenceHigh = 0.041,
            PairedTest = "delong",
            PValue = 0.0123,
            Verdict = EvaluationVerdicts.Better,
            Summary = "The challenger's roc_auc is higher: the interval of the difference lies above 0.",
            MetricsJson = """{"metrics":[{"name":"roc_auc","champion":0.812,"challenger":0.836,"difference":0.024,"low":0.009,"high":0.041,"higherIsBetter":true},{"name":"log_loss","champion":0.46,"challenger":0.44,"difference":0.02,"low":0.004,"high":0.035,"higherIsBetter":false}],"confidence":0.95}""",
            CurvesJson = """{"roc":{"champion":[[0,0],[0.1,0.45],[0.35,0.77],[1,1]],"challenger":[[0,0],[0.12,0.57],[0.3,0.83],[1,1]]},"calibration":{"champion":[[0.05,0.04,310],[0.15,0.17,220],[0.6,0.5,40]],"challenger":[[0.05,0.05,300],[0.15,0.14,230],[0.6,0.58,40]]}}""",
            FairnessJson = """{"attribute":"sex","groups":[{"group":"female","rows":410,"champion":{"positiveRate":0.21,"tpr":0.70,"fpr":0.12},"challenger":{"positiveRate":0.20,"tpr":0.73,"fpr":0.11}},{"group":"male","rows":590,"champion":{"positiveRate":0.26,"tpr":0.74,"fpr":0.15},"challenger":{"positiveRate":0.24,"tpr":0.75,"fpr":0.13}}],"gaps":{"champion":{"positiveRate":0.05,"tpr":0.04,"fpr":0.03},"challenger":{"positiveRate":0.04,"tpr":0.02,"fpr":0.02}}}""",
            DriftJson = """{"jensenShannon":0.031,"ks":0.052,"ksPValue":0.21}""",
            ShadowJson = """{"requests":1200,"agreement":0.962,"labelled":310,"metrics":[{"name":"roc_auc","champion":0.80,"challenger":0.83,"difference":0.03,"low":-0.01,"high":0.07,"higherIsBetter":true}]}""",
            ShadowStartedAt = Ms(start.AddHours(2).AddMinutes(10)),
            CreatedAt = Ms(start.AddHours(2).AddMinutes(5)),
            CompletedAt = Ms(start.AddHours(2).AddMinutes(50)),
        });
        var ramping = await rollouts.AddAsync(new Rollout
        {
            Id = Guid.NewGuid(),
            EndpointName = endpoint,
            ModelName = model,
            ChampionVersion = champion,
            ChallengerVersion = challenger,
            PipelineRunId = run3.Id,
            EvaluationId = evaluation.Id,
            Steps = "10,50,100",
            StepIndex = 0,
            StepStartedAt = Ms(now.AddMinutes(-40)),
            HoldMs = 30 * 60_000,
            StartedBy = "ferry-loop",
            StartedAt = Ms(now.AddMinutes(-40)),
        });
        ramping.StepIndex = 1;
        ramping.StepStartedAt = Ms(now.AddMinutes(-10));
        await rollouts.UpdateAsync(ramping, new RolloutEvent
        {
            RolloutId = ramping.Id,
            At = Ms(now.AddMinutes(-10)),
            Kind = "guards",
            Percent = 10,
            Detail = "step 1 judged: every guard within its limit",
            GuardsJson = """{"rows":240,"guards":[{"name":"errorRate","value":0.004,"limit":0.01,"passed":true},{"name":"p99Ms","value":41.5,"limit":250,"passed":true},{"name":"predictionDrift","value":0.05,"limit":0.2,"passed":true}]}""",
        });
        await rollouts.UpdateAsync(ramping, new RolloutEvent { RolloutId = ramping.Id, At = Ms(now.AddMinutes(-10)), Kind = "step", Percent = 50, Detail = "challenger at 50 %" });
        run3.Phase = LoopPhases.RollingOut;
        run3.Status = PipelineRunStatus.Succeeded;
        run3.ExitCode = 0;
        run3.DatasetId = dataset.Id;
        run3.ChampionVersion = champion;
        run3.ChallengerVersion = challenger;
        run3.EvaluationId = evaluation.Id;
        run3.RolloutId = ramping.Id;
        await pipelines.UpdateRunAsync(run3);

        // A second pipeline whose run waits for a promotion request's approval (as for a governed model).
        var governed = await pipelines.CreateAsync(new TrainingPipeline
        {
            Id = Guid.NewGuid(),
            Name = name + "-gov",
            EndpointName = endpoint,
            ModelName = model,
            SpecJson = new PipelineSpec { Promotion = new PromotionPlan { Mode = "request" } }.ToJson(),
            CreatedAt = Ms(start),
            UpdatedAt = Ms(start),
        }, "test");
        var (_, waiting) = await FireAsync(pipelines, governed, TriggerKinds.Manual, "monthly retrain", Ms(start.AddHours(2)));
        var request = await sp.GetRequiredService<IPromotionStore>().CreateAsync(new PromotionRequest
        {
            Id = Guid.NewGuid(),
            ModelName = model,
            Version = challenger,
            TargetAlias = "loop-candidate",
            Justification = "challenger better on the backtest",
            RequestedBy = "ferry-loop",
            RequestedAt = Ms(now.AddMinutes(-5)),
            ExpiresAt = Ms(now.AddDays(7)),
            ChampionVersion = champion,
            GatesPassed = true,
        });
        waiting!.Phase = LoopPhases.AwaitingApproval;
        waiting.ChampionVersion = champion;
        waiting.ChallengerVersion = challenger;
        waiting.PromotionRequestId = request.Id;
        await pipelines.UpdateRunAsync(waiting);

        return new LoopScene(endpoint, model, champion, challenger, name, dataset.Name, trackingRun.Id, evaluation.Id, rolledBack.Id, ramping.Id, request.Id, start, stdoutBytes);
    }

    private static Task<(TriggerFiring Firing, PipelineRun? Run)> FireAsync(IPipelineStore pipelines, TrainingPipeline pipeline, string kind, string reason, long at) =>
        pipelines.FireAsync(
            new TriggerFiring { Id = Guid.NewGuid(), PipelineId = pipeline.Id, PipelineName = pipeline.Name, Kind = kind, Reason = reason, Outcome = FiringOutcomes.Started, At = at },
            new PipelineRun { Id = Guid.NewGuid(), PipelineId = pipeline.Id, PipelineName = pipeline.Name, TriggerKind = kind, TriggerReason = reason, RequestedBy = "ferry-loop", QueuedAt = at, UpdatedAt = at });
}
