using System.Globalization;
using Ferry.Core.Pipelines;
using Ferry.Server.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Cli.Quickstart;

/// <summary>
/// The quickstart's closed loop: a retraining pipeline on the <c>credit</c> endpoint whose command is the sample's own
/// training program (<c>CreditRisk.Training.dll</c>, beside <c>ferry.dll</c>), fired by the drift alert the noon shift
/// opens. The quickstart runs inside the server's process, so it creates the pipeline through the store and moves the
/// loop with <see cref="LoopWorker.TickAsync"/> after each replayed hour (the server's own ticks run as well);
/// <paramref name="system"/> is the real clock the training process runs on.
/// </summary>
internal sealed class QuickstartLoop(IServiceProvider services, TimeProvider system)
{
    /// <summary>The pipeline's name.</summary>
    public const string Pipeline = "credit-retrain";

    /// <summary>Longest wait for the training process (a bound; it takes a few seconds).</summary>
    private static readonly TimeSpan TrainingBound = TimeSpan.FromMinutes(3);

    /// <summary>The sample's training program as the pipeline runs it: <c>dotnet CreditRisk.Training.dll</c>.</summary>
    public static TrainingCommand Command(string workDirectory) => new()
    {
        Executable = DotnetHost(),
        Arguments = [Path.Combine(AppContext.BaseDirectory, "CreditRisk.Training.dll"), "--seed", "43", "--trees", "40"],
        WorkingDirectory = workDirectory,
        TimeoutSeconds = 300,
    };

    /// <summary>Creates the pipeline: an income drift alert (the scenario's economic shock) fires it; the challenger is backtested, shadowed, then ramped 50 → 100 %.</summary>
    public async Task CreateAsync(string endpoint, string model, string workDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDirectory);
        var spec = new PipelineSpec
        {
            Command = Command(workDirectory),
            Dataset = new DatasetRecipe { WindowHours = 24, LabelDelayMaxHours = null, WithReference = true, HoldoutFraction = 0.3 },
            Triggers = new PipelineTriggers { Alerts = ["drift:income"], CooldownMinutes = 6 * 60 },
            Evaluation = new EvaluationPlan { Metric = "roc_auc", Margin = 0.1, BootstrapSamples = 500, ShadowRows = 300 },
            Promotion = new PromotionPlan
            {
                Mode = "auto",
                Steps = [50, 100],
                HoldMinutes = 60,
                Guards = new RampGuards { MaxErrorRate = 0.05, MaxP99Ms = 1_000, MaxPredictionDrift = 0.3, MaxMetricDrop = 0.1, MinRows = 50 },
            },
        };
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPipelineStore>().CreateAsync(new TrainingPipeline
        {
            Name = Pipeline,
            EndpointName = endpoint,
            ModelName = model,
            ExperimentName = "credit-risk-retraining",
            SpecJson = spec.ToJson(),
        }, "quickstart", cancellationToken);
    }

    /// <summary>One tick of the loop; while the pipeline's run trains, ticks until the process has ended (bounded).</summary>
    public async Task<PipelineRun?> AdvanceAsync(CancellationToken cancellationToken)
    {
        var worker = services.GetRequiredService<LoopWorker>();
        await worker.TickAsync(cancellationToken);
        var run = await LatestRunAsync(cancellationToken);
        // The training process runs on the real clock (system), not the replayed day's.
        var deadline = system.GetUtcNow() + TrainingBound;
        while (run is { Phase: LoopPhases.Queued or LoopPhases.Training } && system.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), system, cancellationToken);
            await worker.TickAsync(cancellationToken);
            run = await LatestRunAsync(cancellationToken);
        }

        return run;
    }

    /// <summary>The pipeline's latest run, or null before it first fired.</summary>
    public async Task<PipelineRun?> LatestRunAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var runs = await scope.ServiceProvider.GetRequiredService<IPipelineStore>().ListRunsAsync(Pipeline, null, 1, cancellationToken);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <summary>What the loop did, for the summary.</summary>
    public async Task<LoopOutcome?> OutcomeAsync(CancellationToken cancellationToken)
    {
        var run = await LatestRunAsync(cancellationToken);
        if (run is null)
        {
            return null;
        }

        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var dataset = run.DatasetId is { } d ? await provider.GetRequiredService<ITrainingDatasetStore>().FindAsync(d, cancellationToken) : null;
        var evaluation = run.EvaluationId is { } e ? await provider.GetRequiredService<IChallengerEvaluationStore>().FindAsync(e, cancellationToken) : null;
        var rollout = run.RolloutId is { } r ? await provider.GetRequiredService<IRolloutStore>().FindAsync(r, cancellationToken) : null;
        return new LoopOutcome(run, dataset, evaluation, rollout);
    }

    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        return current is not null && string.Equals(Path.GetFileNameWithoutExtension(current), "dotnet", StringComparison.Ordinal) ? current : "dotnet";
    }
}

/// <summary>What the quickstart's loop did: its run, the dataset, the evaluation and the ramp.</summary>
internal sealed record LoopOutcome(PipelineRun Run, TrainingDataset? Dataset, ChallengerEvaluation? Evaluation, Rollout? Rollout)
{
    /// <summary>One line per stage, for the summary.</summary>
    public IEnumerable<string> Lines()
    {
        var ci = CultureInfo.InvariantCulture;
        yield return string.Create(ci, $"fired by {Run.TriggerKind} ({Shorten(Run.TriggerReason)}), run {Run.Number}: {Run.Phase}{(Run.Error is null ? string.Empty : " — " + Shorten(Run.Error))}");
        if (Dataset is not null)
        {
            yield return string.Create(ci, $"dataset {Dataset.Name}: {Dataset.Rows:N0} served rows ({Dataset.LabelCoverage:P0} labelled) + {Dataset.ReferenceRows:N0} reference rows, {Dataset.HoldoutRows:N0} held out, sha256 {Dataset.Digest[..12]}…");
        }

        if (Evaluation is not null)
        {
            yield return string.Create(ci,
                $"v{Evaluation.ChallengerVersion} against v{Evaluation.ChampionVersion} on {Evaluation.Rows:N0} held-out rows: {Evaluation.Metric} {Evaluation.ChallengerValue:0.000} vs {Evaluation.ChampionValue:0.000}, difference in [{Evaluation.DifferenceLow:+0.000;-0.000}, {Evaluation.DifferenceHigh:+0.000;-0.000}], {Evaluation.PairedTest} p = {Evaluation.PValue:0.###}: {Evaluation.Verdict}");
        }

        if (Rollout is not null)
        {
            yield return string.Create(ci, $"ramp {Rollout.Steps.Replace(",", " → ", StringComparison.Ordinal)} %: {Rollout.Status}{(Rollout.Reason is null ? string.Empty : " — " + Shorten(Rollout.Reason))}");
        }
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..99] + "…";
}
