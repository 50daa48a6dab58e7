using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;
using Ferry.Server.Governance.Gates;
using Ferry.Server.Serving;

namespace Ferry.Server.Pipelines.Evaluation;

/// <summary>
/// The loop's challenger evaluation (Order 400). Runs in <see cref="LoopPhases.Evaluating"/> get the backtest: the
/// challenger and the champion scored on the run's dataset's held-out window ([HoldoutFrom, To) of the endpoint's log,
/// the rows whose labels had arrived by the dataset's AsOf within its label delay, as the holdout file holds them), an
/// evaluation stored and the run moved to <see cref="LoopPhases.Shadowing"/> (a passing challenger whose plan asks for
/// a shadow), <see cref="LoopPhases.Promoting"/> (better or not worse) or <see cref="LoopPhases.Rejected"/>. Runs in
/// <see cref="LoopPhases.Shadowing"/> get the challenger added as a shadow route; once the plan's minutes have passed
/// or the shadow answered its rows, both are compared on the same requests (<see cref="ShadowComparison"/>), the route
/// is removed and the run moves on. Audited as <c>evaluation.complete</c> and <c>evaluation.shadow</c> by
/// <see cref="LoopActors.Loop"/>.
/// </summary>
public sealed class EvaluationStage(
    IPipelineStore pipelines,
    ITrainingDatasetStore datasets,
    IChallengerEvaluationStore evaluations,
    IEndpointStore endpoints,
    PolicyCache policies,
    PredictionWindow window,
    ChallengerEvaluator evaluator,
    IAuditLog audit,
    TimeProvider clock) : ILoopStage
{
    /// <inheritdoc />
    public int Order => 400;

    /// <inheritdoc />
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await pipelines.ListRunsInPhasesAsync([LoopPhases.Evaluating, LoopPhases.Shadowing], cancellationToken))
        {
            try
            {
                if (run.Phase == LoopPhases.Evaluating)
                {
                    await BacktestAsync(run, cancellationToken);
                }
                else
                {
                    await ShadowAsync(run, cancellationToken);
                }
            }
            catch (Exception e) when (e is ValidationException or NotFoundException or ConflictException)
            {
                await MoveAsync(run, LoopPhases.Failed, $"evaluation failed: {e.Message}", cancellationToken);
            }
        }
    }

    private async Task BacktestAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        var pipeline = await pipelines.FindByIdAsync(run.PipelineId, cancellationToken)
            ?? throw new NotFoundException($"the run's pipeline '{run.PipelineName}' no longer exists");
        var plan = pipeline.Spec().Evaluation;
        if (run.ChallengerVersion is not { } challenger)
        {
            throw new ValidationException("run", "the run has no challenger version");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        ChallengerEvaluation evaluation;
        if (run.ChampionVersion is not { } champion)
        {
            evaluation = new ChallengerEvaluation
            {
                Id = Guid.CreateVersion7(),
                PipelineRunId = run.Id,
                EndpointName = pipeline.EndpointName,
                ModelName = pipeline.ModelName,
                ChallengerVersion = challenger,
                Metric = plan.Metric,
                Verdict = EvaluationVerdicts.NotWorse,
                Summary = "No version served the endpoint when the run started: there is no champion to compare with.",
                CreatedAt = now,
            };
        }
        else
        {
            var dataset = run.DatasetId is { } id ? await datasets.FindAsync(id, cancellationToken) : null;
            if (dataset?.HoldoutFrom is not { } holdoutFrom)
            {
                evaluation = new ChallengerEvaluation
                {
                    Id = Guid.CreateVersion7(),
                    EndpointName = pipeline.EndpointName,
                    ModelName = pipeline.ModelName,
                    ChampionVersion = champion,
                    ChallengerVersion = challenger,
                    Metric = plan.Metric,
                    Verdict = EvaluationVerdicts.Inconclusive,
                    Summary = dataset is null
                        ? "The run has no dataset, so there is no held-out window to backtest on."
                        : $"Dataset {dataset.Name} held nothing out (holdout fraction 0), so there is no window to backtest on.",
                    CreatedAt = now,
                };
            }
            else
            {
                var logged = await window.ReadAsync(pipeline.EndpointName, holdoutFrom, dataset.To, cancellationToken);
                var rows = PredictionWindow.LabelledAsOf(logged, dataset.AsOf, dataset.LabelDelayMaxMs);
                evaluation = await evaluator.EvaluateAsync(
                    new EvaluationInput(pipeline.EndpointName, pipeline.ModelName, pipeline.ModelName, champion, challenger, holdoutFrom, dataset.To, rows, plan),
                    cancellationToken);
            }
        }

        evaluation.PipelineRunId = run.Id;
        var passed = evaluation.Verdict is EvaluationVerdicts.Better or EvaluationVerdicts.NotWorse;
        var shadow = passed && run.ChampionVersion is not null && (plan.ShadowMinutes > 0 || plan.ShadowRows is > 0);
        if (shadow)
        {
            var metrics = JsonNode.Parse(evaluation.MetricsJson)!.AsObject();
            metrics["backtest"] = new JsonObject { ["verdict"] = evaluation.Verdict, ["summary"] = evaluation.Summary };
            evaluation.MetricsJson = metrics.ToJsonString();
            evaluation.Verdict = EvaluationVerdicts.Pending;
        }
        else
        {
            evaluation.CompletedAt = now;
        }

        await evaluations.AddAsync(evaluation, cancellationToken);
        await audit.RecordAsync(LoopActors.Loop, AuditRecord.Of("evaluation.complete", Target(evaluation), new
        {
            evaluation.Id,
            Run = run.Id,
            evaluation.ModelName,
            evaluation.ChampionVersion,
            evaluation.ChallengerVersion,
            evaluation.Rows,
            evaluation.Metric,
            Verdict = shadow ? JsonNode.Parse(evaluation.MetricsJson)!["backtest"]!["verdict"]!.GetValue<string>() : evaluation.Verdict,
            evaluation.PValue,
            Next = shadow ? LoopPhases.Shadowing : passed ? LoopPhases.Promoting : LoopPhases.Rejected,
        }), cancellationToken);
        run.EvaluationId = evaluation.Id;
        await MoveAsync(run, shadow ? LoopPhases.Shadowing : passed ? LoopPhases.Promoting : LoopPhases.Rejected,
            passed ? null : $"challenger evaluation: {evaluation.Verdict}: {evaluation.Summary}", cancellationToken);
    }

    private async Task ShadowAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        var pipeline = await pipelines.FindByIdAsync(run.PipelineId, cancellationToken)
            ?? throw new NotFoundException($"the run's pipeline '{run.PipelineName}' no longer exists");
        var plan = pipeline.Spec().Evaluation;
        var evaluation = (run.EvaluationId is { } id ? await evaluations.FindAsync(id, cancellationToken) : null)
            ?? throw new NotFoundException("the run's evaluation is missing");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (evaluation.ShadowStartedAt is not { } startedAt)
        {
            await SetShadowAsync(evaluation.EndpointName, evaluation.ModelName, evaluation.ChallengerVersion, on: true, cancellationToken);
            evaluation.ShadowStartedAt = now;
            evaluation.ShadowJson = new JsonObject { ["status"] = "running", ["answered"] = 0 }.ToJsonString();
            await evaluations.UpdateAsync(evaluation, cancellationToken);
            await audit.RecordAsync(LoopActors.Loop, AuditRecord.Of("evaluation.shadow", Target(evaluation), new
            {
                evaluation.Id,
                Run = run.Id,
                Started = true,
                evaluation.ChallengerVersion,
                plan.ShadowMinutes,
                plan.ShadowRows,
            }), cancellationToken);
            return;
        }

        var metrics = JsonNode.Parse(evaluation.MetricsJson)!.AsObject();
        var backtestVerdict = metrics["backtest"]?["verdict"]?.GetValue<string>() ?? EvaluationVerdicts.NotWorse;
        var logged = await window.ReadAsync(evaluation.EndpointName, startedAt, now + 1, cancellationToken);
        var pairs = ShadowComparison.PairUp(logged, evaluation, metrics["positiveLabel"]?.GetValue<string>(), metrics["threshold"]?.GetValue<double>() ?? GateMetrics.DecisionThreshold);
        var elapsed = now - startedAt >= plan.ShadowMinutes * 60_000 && plan.ShadowMinutes > 0;
        var enough = plan.ShadowRows is { } wanted && pairs.Count >= wanted;
        if (!elapsed && !enough)
        {
            evaluation.ShadowJson = new JsonObject { ["status"] = "running", ["answered"] = pairs.Count }.ToJsonString();
            await evaluations.UpdateAsync(evaluation, cancellationToken);
            return;
        }

        var (verdict, summary, shadowJson) = ShadowComparison.Compare(pairs, plan, backtestVerdict, metrics["backtest"]?["summary"]?.GetValue<string>() ?? evaluation.Summary);
        await SetShadowAsync(evaluation.EndpointName, evaluation.ModelName, evaluation.ChallengerVersion, on: false, cancellationToken);
        shadowJson["status"] = "done";
        shadowJson["minutes"] = Math.Round((now - startedAt) / 60_000.0, 3);
        evaluation.ShadowJson = shadowJson.ToJsonString();
        evaluation.Verdict = verdict;
        evaluation.Summary = summary;
        evaluation.CompletedAt = now;
        await evaluations.UpdateAsync(evaluation, cancellationToken);
        var passed = verdict is EvaluationVerdicts.Better or EvaluationVerdicts.NotWorse;
        await audit.RecordAsync(LoopActors.Loop, AuditRecord.Of("evaluation.shadow", Target(evaluation), new
        {
            evaluation.Id,
            Run = run.Id,
            Started = false,
            Answered = pairs.Count,
            Labelled = shadowJson["labelled"]?.GetValue<int>(),
            Agreement = (double?)shadowJson["agreement"],
            Verdict = verdict,
            Next = passed ? LoopPhases.Promoting : LoopPhases.Rejected,
        }), cancellationToken);
        await MoveAsync(run, passed ? LoopPhases.Promoting : LoopPhases.Rejected, passed ? null : $"shadow comparison: {verdict}: {summary}", cancellationToken);
    }

    /// <summary>Adds (or removes) a shadow route of the challenger to the endpoint's active routes, and applies it in this process.</summary>
    private async Task SetShadowAsync(string endpointName, string model, int version, bool on, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetAsync(endpointName, cancellationToken)
            ?? throw new NotFoundException($"endpoint '{endpointName}' no longer exists");
        var active = endpoint.Policies.Single(p => p.Revision == endpoint.ActiveRevision);
        bool Ours(TrafficRoute r) => r.Role == RouteRole.Shadow && r.ModelName == model && r.Version == version;
        if (on == active.Routes.Exists(Ours))
        {
            return;
        }

        var routes = active.Routes.Where(r => !Ours(r)).Select(r => new RouteRequest(r.ModelName, r.Version, r.Alias, r.Role, r.Weight)).ToList();
        if (on)
        {
            routes.Add(new RouteRequest(model, version, null, RouteRole.Shadow, 0));
        }

        await endpoints.DeployAsync(endpointName, routes, force: false, LoopActors.Loop, cancellationToken);
        await policies.RefreshAsync(endpointName, cancellationToken);
    }

    private async Task MoveAsync(PipelineRun run, string phase, string? error, CancellationToken cancellationToken)
    {
        run.Phase = phase;
        run.Error = error is { Length: > 4000 } ? error[..4000] : error;
        run.UpdatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await pipelines.UpdateRunAsync(run, cancellationToken);
    }

    private static string Target(ChallengerEvaluation evaluation) =>
        string.Create(CultureInfo.InvariantCulture, $"endpoint/{evaluation.EndpointName}/evaluation/{evaluation.Id}");
}

/// <summary>
/// The live comparison of a shadowing challenger with the champion on the same requests: the requests the champion
/// answered (as primary) while the challenger answered them as a shadow. Agreement is the share of requests where both
/// took the same decision (score at or above the threshold; regressors: none), drift is as in the backtest. When at
/// least <see cref="ChallengerEvaluator.MinRows"/> of those requests have ground truth (of both classes, for
/// classifiers), the plan's metric on them decides as in the backtest; otherwise the backtest's verdict stands unless
/// agreement is below <see cref="MinAgreement"/> or the Jensen–Shannon distance of the two score distributions is above
/// <see cref="MaxDrift"/>, which make the verdict <c>worse</c> (live traffic does not look like the backtest).
/// </summary>
public static class ShadowComparison
{
    /// <summary>Without labels, agreement below this rejects the challenger.</summary>
    public const double MinAgreement = 0.5;

    /// <summary>Without labels, a score drift (Jensen–Shannon distance) above this rejects the challenger.</summary>
    public const double MaxDrift = 0.3;

    /// <summary>One request both answered: the champion's and the challenger's score, and its truth when it arrived.</summary>
    internal sealed record Pair(double Champion, double Challenger, string? Label, double? Value, bool Binary, string? Positive, double Threshold);

    /// <summary>The requests the champion answered and the challenger shadowed (without an error).</summary>
    internal static List<Pair> PairUp(IEnumerable<WindowRow> rows, ChallengerEvaluation evaluation, string? positive, double threshold)
    {
        var key = $"{evaluation.ModelName}:{evaluation.ChallengerVersion}";
        var pairs = new List<Pair>();
        foreach (var row in rows)
        {
            if (row.Version != evaluation.ChampionVersion || row.ShadowOutputsJson is null)
            {
                continue;
            }

            using var shadows = JsonDocument.Parse(row.ShadowOutputsJson);
            if (!shadows.RootElement.TryGetProperty(key, out var shadow) || shadow.ValueKind != JsonValueKind.Object || shadow.TryGetProperty("error", out _))
            {
                continue;
            }

            using var primary = JsonDocument.Parse(row.OutputsJson);
            var champion = Score(primary.RootElement, positive);
            var challenger = Score(shadow, positive);
            if (champion is { } a && challenger is { } b)
            {
                pairs.Add(new Pair(a, b, row.Label, row.Value, positive is not null, positive, threshold));
            }
        }

        return pairs;
    }

    /// <summary>The verdict, its summary and the comparison's JSON.</summary>
    internal static (string Verdict, string Summary, JsonObject Json) Compare(List<Pair> pairs, EvaluationPlan plan, string backtestVerdict, string backtestSummary)
    {
        var json = new JsonObject { ["answered"] = pairs.Count };
        double[] champion = [.. pairs.Select(p => p.Champion)];
        double[] challenger = [.. pairs.Select(p => p.Challenger)];
        var binary = pairs.Count > 0 && pairs[0].Binary;
        double? agreement = null;
        if (binary && pairs.Count > 0)
        {
            agreement = pairs.Count(p => (p.Champion >= p.Threshold) == (p.Challenger >= p.Threshold)) / (double)pairs.Count;
        }

        json["agreement"] = agreement;
        if (!binary && pairs.Count > 0)
        {
            json["meanAbsoluteDifference"] = ChallengerEvaluator.Num(pairs.Average(p => Math.Abs(p.Champion - p.Challenger)));
        }

        var drift = ChallengerEvaluator.Drift(champion, challenger);
        json["drift"] = drift;
        var labelled = pairs.Where(p => binary ? p.Label is not null : p.Value is not null || double.TryParse(p.Label, NumberStyles.Float, CultureInfo.InvariantCulture, out _)).ToList();
        json["labelled"] = labelled.Count;
        var actual = binary ? labelled.Select(p => string.Equals(p.Label, p.Positive, StringComparison.OrdinalIgnoreCase)).ToArray() : [];
        var decidable = labelled.Count >= ChallengerEvaluator.MinRows && (!binary || (actual.Contains(true) && actual.Contains(false)));
        string verdict, summary;
        if (decidable)
        {
            var scores = new PairedScores(
                binary ? EvaluationTask.Binary : EvaluationTask.Regression,
                labelled[0].Positive,
                labelled[0].Threshold,
                actual,
                binary ? [] : [.. labelled.Select(p => p.Value ?? double.Parse(p.Label!, CultureInfo.InvariantCulture))],
                [.. labelled.Select(p => p.Champion)],
                [.. labelled.Select(p => p.Challenger)],
                new FeatureBatch(0, new Dictionary<string, Array>()));
            var (interval, test) = ChallengerEvaluator.CompareOne(scores, plan, plan.Metric);
            (verdict, summary) = ChallengerEvaluator.Decide(plan, interval, test, labelled.Count);
            summary = $"Shadow, on {labelled.Count} labelled live requests: {summary}";
            json["metric"] = new JsonObject
            {
                ["metric"] = plan.Metric,
                ["champion"] = ChallengerEvaluator.Num(interval.Champion),
                ["challenger"] = ChallengerEvaluator.Num(interval.Challenger),
                ["difference"] = ChallengerEvaluator.Num(interval.Difference),
                ["low"] = ChallengerEvaluator.Num(interval.Low),
                ["high"] = ChallengerEvaluator.Num(interval.High),
                ["test"] = test.Name,
                ["pValue"] = ChallengerEvaluator.Num(test.PValue),
            };
            json["decidedBy"] = "labels";
        }
        else
        {
            var js = drift["jensenShannon"]?.GetValue<double>() ?? 0;
            var reasons = new List<string>();
            if (agreement is { } a && a < MinAgreement)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"the two decided alike on only {a:P1} of {pairs.Count} requests (below {MinAgreement:P0})"));
            }

            if (js > MaxDrift)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"their score distributions differ by a Jensen–Shannon distance of {js:0.###} (above {MaxDrift})"));
            }

            verdict = reasons.Count > 0 ? EvaluationVerdicts.Worse : backtestVerdict;
            summary = reasons.Count > 0
                ? $"Shadow, on {pairs.Count} live requests ({labelled.Count} labelled, too few to decide): {string.Join("; ", reasons)}. The backtest said: {backtestSummary}"
                : string.Create(CultureInfo.InvariantCulture,
                    $"Shadow, on {pairs.Count} live requests ({labelled.Count} labelled, too few to decide){(agreement is { } g ? $": decisions agreed on {g:P1}" : string.Empty)}, score drift {js:0.###}; the backtest's verdict stands. {backtestSummary}");
            json["decidedBy"] = reasons.Count > 0 ? "agreement-or-drift" : "backtest";
        }

        json["verdict"] = verdict;
        return (verdict, summary, json);
    }

    /// <summary>A logged answer's score: the positive class's probability for classifiers, the value for regressors.</summary>
    private static double? Score(JsonElement answer, string? positive)
    {
        string? label = answer.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
        double? score = answer.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : null;
        Dictionary<string, double>? probabilities = null;
        if (answer.TryGetProperty("probabilities", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            probabilities = [];
            foreach (var member in p.EnumerateObject())
            {
                if (member.Value.ValueKind == JsonValueKind.Number)
                {
                    probabilities[member.Name] = member.Value.GetDouble();
                }
            }
        }

        return positive is null ? score : ChallengerEvaluator.PositiveScore(label, score, probabilities, positive);
    }
}
