using System.Globalization;
using System.Text.Json;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Pipelines;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Governance;
using Ferry.Server.Monitoring;
using Ferry.Server.Oversight;
using Ferry.Server.Serving;

namespace Ferry.Server.Pipelines.Promotion;

/// <summary>What a ramp is asked to do.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Model">The registered model (the one the endpoint serves now).</param>
/// <param name="Version">The challenger.</param>
/// <param name="Steps">Its traffic shares in percent, rising, the last 100.</param>
/// <param name="HoldMinutes">Hold per step.</param>
/// <param name="Guards">The guards.</param>
/// <param name="Alias">The alias moved to the challenger at the end.</param>
/// <param name="Force">Deploy the first step even when the challenger's signature would refuse records the champion accepts.</param>
/// <param name="RunId">The pipeline run, if the loop asks.</param>
/// <param name="EvaluationId">The evaluation that allowed it.</param>
public sealed record RampRequest(string Endpoint, string Model, int Version, IReadOnlyList<int> Steps, double HoldMinutes, RampGuards Guards,
    string Alias, bool Force = false, Guid? RunId = null, Guid? EvaluationId = null);

/// <summary>The guards' measurements over one step, stored with its <c>guards</c> event.</summary>
/// <param name="ChallengerRows">The challenger's logged rows in the step.</param>
/// <param name="ChampionRows">The champion's logged rows compared with them.</param>
/// <param name="Requests">The challenger's requests in the step (this replica's count).</param>
/// <param name="FailedRequests">Those that failed.</param>
/// <param name="ErrorRate">Failed / requests.</param>
/// <param name="P99Ms">p99 latency of the challenger's rows, ms.</param>
/// <param name="PredictionDrift">Jensen–Shannon distance of the two score samples.</param>
/// <param name="Metric">The realized metric's name.</param>
/// <param name="ChallengerMetric">Its value for the challenger on labelled rows.</param>
/// <param name="ChampionMetric">Its value for the champion.</param>
/// <param name="ChallengerLabelled">The challenger's labelled rows.</param>
/// <param name="ChampionLabelled">The champion's labelled rows.</param>
/// <param name="Failures">The guards that failed, each with its measurement, in words.</param>
/// <param name="Notes">What was not judged and why.</param>
public sealed record GuardReport(int ChallengerRows, int ChampionRows, long Requests, long FailedRequests, double? ErrorRate, double? P99Ms,
    double? PredictionDrift, string Metric, double? ChallengerMetric, double? ChampionMetric, int ChallengerLabelled, int ChampionLabelled,
    IReadOnlyList<string> Failures, IReadOnlyList<string> Notes);

/// <summary>
/// Canary ramps: starts one (deploying its first step), moves it on (after each step's hold the guards are judged on the
/// challenger's traffic since the step started), promotes it (the alias moves, the endpoint follows it on one route),
/// rolls it back (the baseline revision's routes again, an alert) or cancels it. Every change is a
/// <see cref="RolloutEvent"/> and an audit event (<c>rollout.start</c>, <c>rollout.step</c>, <c>rollout.promote</c>,
/// <c>rollout.rollback</c>, <c>rollout.cancel</c>); the loop acts as <see cref="LoopActors.Loop"/>.
/// </summary>
public sealed class RolloutService(
    IRolloutStore rollouts,
    IPipelineStore pipelines,
    IChallengerEvaluationStore evaluations,
    IEndpointStore endpoints,
    IRegistryStore registry,
    IPredictionStore predictions,
    IAlertStore alerts,
    IAuditLog audit,
    AlertDelivery delivery,
    PolicyCache policyCache,
    PolicyResolver policies,
    DeploymentGuard deploymentGuard,
    VersionOutcomes outcomes,
    TimeProvider clock)
{
    /// <summary>The alerts' monitor name.</summary>
    public const string MonitorName = "rollout";

    /// <summary>Labelled rows each version needs in a step before the realized metric is judged.</summary>
    public const int MinLabelledRows = 30;

    private const int MaxRowsRead = 200_000;

    /// <summary>The alerts' check key for an endpoint.</summary>
    public static string CheckKey(string endpoint) => $"rollout:{endpoint}";

    /// <summary>
    /// Starts a ramp: checks the request, deploys its first step and stores it. The endpoint must serve one weighted route
    /// of <see cref="RampRequest.Model"/> (the champion); a governed model is refused (open a promotion request).
    /// </summary>
    /// <exception cref="ValidationException">Bad steps, hold or guards.</exception>
    /// <exception cref="NotFoundException">Unknown endpoint or version.</exception>
    /// <exception cref="ConflictException">A ramp is in progress, the endpoint splits traffic already, or the model is governed.</exception>
    public async Task<Rollout> StartAsync(RampRequest ask, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        Check(ask);
        var endpoint = await endpoints.GetAsync(ask.Endpoint, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{ask.Endpoint}'.");
        var baseline = endpoint.Policies.Single(p => p.Revision == endpoint.ActiveRevision);
        var resolved = await endpoints.ResolveAsync(ask.Endpoint, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{ask.Endpoint}'.");
        var weighted = resolved.Routes.Where(r => r.Role == RouteRole.Weighted && r.Weight > 0).ToList();
        if (weighted.Count != 1 || !string.Equals(weighted[0].ModelName, ask.Model, StringComparison.Ordinal))
        {
            throw new ConflictException($"A ramp needs endpoint '{ask.Endpoint}' to serve one weighted route of '{ask.Model}'; it serves " +
                string.Join(", ", weighted.Select(r => $"{r.ModelName} v{r.Version} ({r.Weight})")) + ".");
        }

        var champion = weighted[0].Version;
        if (champion == ask.Version)
        {
            throw new ConflictException($"Endpoint '{ask.Endpoint}' already serves '{ask.Model}' version {ask.Version}.");
        }

        _ = await registry.GetVersionAsync(ask.Model, ask.Version, cancellationToken);
        var policy = await policies.ResolveAsync(ask.Model, cancellationToken);
        if (policy.Policy.Governed)
        {
            throw new ConflictException($"'{ask.Model}' is governed by its promotion policy (tier {policy.Policy.Tier.ToString().ToLowerInvariant()}): " +
                "a ramp would move its alias without approval. Open a promotion request instead.");
        }

        if ((await rollouts.ListAsync(ask.Endpoint, true, 1, cancellationToken)).Count > 0)
        {
            throw new ConflictException($"Endpoint '{ask.Endpoint}' already has a ramp in progress.");
        }

        var now = Now();
        var rollout = new Rollout
        {
            Id = Guid.CreateVersion7(),
            EndpointName = ask.Endpoint,
            ModelName = ask.Model,
            ChampionVersion = champion,
            ChallengerVersion = ask.Version,
            PipelineRunId = ask.RunId,
            EvaluationId = ask.EvaluationId,
            Steps = string.Join(',', ask.Steps.Select(s => s.ToString(CultureInfo.InvariantCulture))),
            StepIndex = 0,
            StepStartedAt = now,
            HoldMs = (long)Math.Round(ask.HoldMinutes * 60_000),
            GuardsJson = JsonSerializer.Serialize(ask.Guards, PipelineSpec.Json),
            Alias = ask.Alias,
            BaselineRevision = baseline.Revision,
            Status = RolloutStatus.Ramping,
            StartedBy = actor,
            StartedAt = now,
        };
        var routes = StepRoutes(rollout, baseline, ask.Steps[0]);
        await deploymentGuard.CheckAsync(routes, cancellationToken);
        await DeployAsync(ask.Endpoint, routes, ask.Force, cancellationToken);
        rollout = await rollouts.AddAsync(rollout, cancellationToken);
        var detail = $"ramp started by {actor}: v{ask.Version} takes {ask.Steps[0]} % of '{ask.Endpoint}', v{champion} {100 - ask.Steps[0]} %";
        await rollouts.UpdateAsync(rollout, Event("step", ask.Steps[0], detail, null), cancellationToken);
        await AuditAsync(actor, "rollout.start", rollout, detail, null, cancellationToken);
        return rollout;
    }

    /// <summary>
    /// Moves a ramping rollout on when its step's hold has passed: judges the guards and then takes the next step,
    /// promotes (last step) or rolls back (a guard failed); with too few challenger rows the step holds on (said once per
    /// step in a <c>guards</c> event). Returns the rollout as it is afterwards.
    /// </summary>
    public async Task<Rollout> AdvanceAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        var now = Now();
        if (rollout.Status != RolloutStatus.Ramping || now - rollout.StepStartedAt < rollout.HoldMs)
        {
            return rollout;
        }

        var steps = rollout.StepList();
        var percent = steps[rollout.StepIndex];
        var guards = Guards(rollout);
        var report = await JudgeAsync(rollout, guards, now, cancellationToken);
        var reportJson = JsonSerializer.Serialize(report, PipelineSpec.Json);
        var traffic = report.ChallengerRows + report.FailedRequests;
        if (traffic < guards.MinRows)
        {
            var events = await rollouts.ListEventsAsync(rollout.Id, cancellationToken);
            if (!events.Any(e => e.Kind == "guards" && e.At >= rollout.StepStartedAt && e.Detail.StartsWith("holding", StringComparison.Ordinal)))
            {
                await rollouts.UpdateAsync(rollout, Event("guards", percent,
                    $"holding at {percent} %: the challenger has {traffic} rows (and failed requests) since the step started, fewer than the {guards.MinRows} its guards need", reportJson), cancellationToken);
            }

            return rollout;
        }

        if (report.Failures.Count > 0)
        {
            var reason = $"rolled back at {percent} %: " + string.Join("; ", report.Failures);
            await rollouts.UpdateAsync(rollout, Event("guards", percent, "failed: " + string.Join("; ", report.Failures), reportJson), cancellationToken);
            return await EndAsync(rollout, RolloutStatus.RolledBack, reason, LoopActors.Loop, cancellationToken);
        }

        await rollouts.UpdateAsync(rollout, Event("guards", percent, $"passed at {percent} % on {report.ChallengerRows} challenger rows" +
            (report.Notes.Count > 0 ? " (" + string.Join("; ", report.Notes) + ")" : string.Empty), reportJson), cancellationToken);
        if (rollout.StepIndex == steps.Count - 1)
        {
            return await PromoteAsync(rollout, cancellationToken);
        }

        var endpoint = await endpoints.GetAsync(rollout.EndpointName, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{rollout.EndpointName}'.");
        var baseline = endpoint.Policies.Single(p => p.Revision == rollout.BaselineRevision);
        var next = steps[rollout.StepIndex + 1];
        await DeployAsync(rollout.EndpointName, StepRoutes(rollout, baseline, next, await ShadowsAsync(rollout.EndpointName, cancellationToken)), true, cancellationToken);
        rollout.StepIndex++;
        rollout.StepStartedAt = Now();
        var detail = $"step {rollout.StepIndex + 1} of {steps.Count}: v{rollout.ChallengerVersion} takes {next} %";
        await rollouts.UpdateAsync(rollout, Event("step", next, detail, null), cancellationToken);
        await AuditAsync(LoopActors.Loop, "rollout.step", rollout, detail, reportJson, cancellationToken);
        return rollout;
    }

    /// <summary>Cancels a ramp: the baseline's routes again, status cancelled, its pipeline run (if any) rolled back with the reason.</summary>
    /// <exception cref="NotFoundException">No such ramp.</exception>
    /// <exception cref="ConflictException">It has ended.</exception>
    public async Task<Rollout> CancelAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        var rollout = await rollouts.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"No rollout has id {id}.");
        if (rollout.Status != RolloutStatus.Ramping)
        {
            throw new ConflictException($"Rollout {id} has ended ({rollout.Status}).");
        }

        return await EndAsync(rollout, RolloutStatus.Cancelled, $"cancelled by {actor}", actor, cancellationToken);
    }

    /// <summary>A ramp's guards.</summary>
    public static RampGuards Guards(Rollout rollout)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        return JsonSerializer.Deserialize<RampGuards>(rollout.GuardsJson, PipelineSpec.Json) ?? new RampGuards();
    }

    /// <summary>Judges the guards on the traffic since the step started (the champion's rows since the ramp started when the step gave it too few).</summary>
    public async Task<GuardReport> JudgeAsync(Rollout rollout, RampGuards guards, long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(guards);
        var rows = await ReadRowsAsync(rollout.EndpointName, rollout.StepStartedAt, now + 1, cancellationToken);
        var challenger = rows.Where(r => Is(r, rollout.ModelName, rollout.ChallengerVersion)).ToList();
        var champion = rows.Where(r => Is(r, rollout.ModelName, rollout.ChampionVersion)).ToList();
        var notes = new List<string>();
        if (champion.Count < guards.MinRows && rollout.StartedAt < rollout.StepStartedAt)
        {
            champion = [.. (await ReadRowsAsync(rollout.EndpointName, rollout.StartedAt, now + 1, cancellationToken)).Where(r => Is(r, rollout.ModelName, rollout.ChampionVersion))];
            notes.Add("the champion's rows since the ramp started were compared, the step gave it too few");
        }

        var failures = new List<string>();
        var (requests, failed) = outcomes.Since(rollout.EndpointName, rollout.ChallengerVersion, rollout.StepStartedAt);
        double? errorRate = requests > 0 ? (double)failed / requests : null;
        if (errorRate is { } rate && rate > guards.MaxErrorRate)
        {
            failures.Add(Text($"error rate {rate:0.####} ({failed} of {requests} requests failed) above {guards.MaxErrorRate:0.####}"));
        }

        double? p99 = challenger.Count > 0 ? RampMeasures.Percentile([.. challenger.Select(r => r.Prediction.LatencyMicros / 1000.0)], 99) : null;
        if (guards.MaxP99Ms is { } maxP99 && p99 is { } measured && measured > maxP99)
        {
            failures.Add(Text($"p99 latency {measured:0.###} ms above {maxP99:0.###} ms"));
        }

        var challengerScores = Scores(challenger);
        var championScores = Scores(champion);
        double? drift = null;
        if (challengerScores.Count > 0 && championScores.Count > 0)
        {
            drift = RampMeasures.ScoreDrift([.. challengerScores.Select(s => s.Score)], [.. championScores.Select(s => s.Score)]);
            if (guards.MaxPredictionDrift is { } maxDrift && drift > maxDrift)
            {
                failures.Add(Text($"prediction drift (Jensen–Shannon distance of the scores) {drift:0.####} above {maxDrift:0.####}"));
            }
        }
        else if (guards.MaxPredictionDrift is not null)
        {
            notes.Add("prediction drift not judged: no scores of both versions");
        }

        var metric = await MetricAsync(rollout, cancellationToken);
        var challengerMetric = Realized(metric, challengerScores, out var challengerLabelled);
        var championMetric = Realized(metric, championScores, out var championLabelled);
        if (challengerLabelled >= MinLabelledRows && championLabelled >= MinLabelledRows && challengerMetric is { } c && championMetric is { } m
            && !double.IsNaN(c) && !double.IsNaN(m))
        {
            var gain = RampMeasures.LowerIsBetter(metric) ? m - c : c - m;
            if (guards.MaxMetricDrop is { } maxDrop && gain < -maxDrop)
            {
                failures.Add(Text($"realized {metric} {c:0.####} against the champion's {m:0.####} on labelled rows ({challengerLabelled} and {championLabelled}): a drop of {-gain:0.####} above {maxDrop:0.####}"));
            }
        }
        else if (guards.MaxMetricDrop is not null)
        {
            notes.Add(Text($"realized {metric} not judged: {challengerLabelled} and {championLabelled} labelled rows, {MinLabelledRows} each needed"));
        }

        return new GuardReport(challenger.Count, champion.Count, requests, failed, errorRate, p99, drift, metric, challengerMetric, championMetric,
            challengerLabelled, championLabelled, failures, notes);
    }

    /// <summary>Makes sure the endpoint answers with the version <paramref name="alias"/> points at: its weighted route follows the alias (deploying one route that does when none does).</summary>
    public async Task FollowAliasAsync(string endpointName, string model, string alias, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetAsync(endpointName, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{endpointName}'.");
        var active = endpoint.Policies.Single(p => p.Revision == endpoint.ActiveRevision);
        var follows = active.Routes.Where(r => r.Role == RouteRole.Weighted && r.Weight > 0).ToList() is { Count: 1 } only
            && only[0].ModelName == model && string.Equals(only[0].Alias, alias, StringComparison.Ordinal);
        if (!follows)
        {
            List<RouteRequest> routes = [new RouteRequest(model, null, alias, RouteRole.Weighted, 100), .. await ShadowsAsync(endpointName, cancellationToken)];
            await DeployAsync(endpointName, routes, false, cancellationToken);
        }
        else
        {
            await policyCache.RefreshAsync(endpointName, cancellationToken);
        }
    }

    private async Task<Rollout> PromoteAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        await registry.SetAliasAsync(rollout.ModelName, rollout.Alias, rollout.ChallengerVersion, new RegistryCaller(LoopActors.Loop, true), cancellationToken);
        List<RouteRequest> routes = [new RouteRequest(rollout.ModelName, null, rollout.Alias, RouteRole.Weighted, 100), .. await ShadowsAsync(rollout.EndpointName, cancellationToken)];
        await DeployAsync(rollout.EndpointName, routes, true, cancellationToken);
        var reason = $"promoted: every step's guards passed; '{rollout.Alias}' now points at v{rollout.ChallengerVersion} and '{rollout.EndpointName}' follows it";
        rollout.Status = RolloutStatus.Promoted;
        rollout.Reason = reason;
        rollout.EndedAt = Now();
        await rollouts.UpdateAsync(rollout, Event("promoted", 100, reason, null), cancellationToken);
        await AuditAsync(LoopActors.Loop, "rollout.promote", rollout, reason, null, cancellationToken);
        await SetRunAsync(rollout, LoopPhases.Promoted, null, cancellationToken);
        return rollout;
    }

    private async Task<Rollout> EndAsync(Rollout rollout, string status, string reason, string actor, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetAsync(rollout.EndpointName, cancellationToken);
        if (endpoint is not null)
        {
            var baseline = endpoint.Policies.Single(p => p.Revision == rollout.BaselineRevision);
            await DeployAsync(rollout.EndpointName, [.. baseline.Routes.Select(ToRequest)], true, cancellationToken, actor);
        }

        rollout.Status = status;
        rollout.Reason = reason;
        rollout.EndedAt = Now();
        var kind = status == RolloutStatus.Cancelled ? "cancelled" : "rolled_back";
        var detail = $"{reason}; '{rollout.EndpointName}' is back on revision {rollout.BaselineRevision}'s routes (v{rollout.ChampionVersion})";
        await rollouts.UpdateAsync(rollout, Event(kind, 0, detail, null), cancellationToken);
        await audit.RecordAsync(actor, AuditRecord.Of(status == RolloutStatus.Cancelled ? "rollout.cancel" : "rollout.rollback", Target(rollout),
            new { rollout.EndpointName, rollout.ModelName, rollout.ChampionVersion, rollout.ChallengerVersion, rollout.PipelineRunId, Reason = reason }), cancellationToken);
        if (status == RolloutStatus.RolledBack)
        {
            var alert = await alerts.OpenAlertAsync(new Alert
            {
                MonitorName = MonitorName,
                EndpointName = rollout.EndpointName,
                CheckKey = CheckKey(rollout.EndpointName),
                Status = AlertStatus.Open,
                Message = $"The ramp of '{rollout.ModelName}' v{rollout.ChallengerVersion} on '{rollout.EndpointName}' was {reason}; v{rollout.ChampionVersion} has all traffic again.",
            }, LoopActors.Loop, cancellationToken);
            delivery.Enqueue([new AlertChange(alert, "opened")]);
        }

        await SetRunAsync(rollout, LoopPhases.RolledBack, reason, cancellationToken);
        return rollout;
    }

    private async Task SetRunAsync(Rollout rollout, string phase, string? error, CancellationToken cancellationToken)
    {
        if (rollout.PipelineRunId is not { } runId || await pipelines.FindRunAsync(runId, cancellationToken) is not { } run || LoopPhases.IsTerminal(run.Phase))
        {
            return;
        }

        run.Phase = phase;
        run.Error = error;
        run.UpdatedAt = Now();
        await pipelines.UpdateRunAsync(run, cancellationToken);
    }

    private async Task DeployAsync(string endpoint, IReadOnlyList<RouteRequest> routes, bool force, CancellationToken cancellationToken, string actor = LoopActors.Loop)
    {
        await endpoints.DeployAsync(endpoint, routes, force, actor, cancellationToken);
        await policyCache.RefreshAsync(endpoint, cancellationToken);
    }

    private async Task<List<RouteRequest>> ShadowsAsync(string endpointName, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetAsync(endpointName, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{endpointName}'.");
        return [.. endpoint.Policies.Single(p => p.Revision == endpoint.ActiveRevision).Routes.Where(r => r.Role == RouteRole.Shadow).Select(ToRequest)];
    }

    private static List<RouteRequest> StepRoutes(Rollout rollout, TrafficPolicy baseline, int percent, IReadOnlyList<RouteRequest>? shadows = null)
    {
        var champion = baseline.Routes.Single(r => r.Role == RouteRole.Weighted && r.Weight > 0);
        var routes = new List<RouteRequest>();
        if (percent < 100)
        {
            routes.Add(new RouteRequest(champion.ModelName, champion.Version, champion.Alias, RouteRole.Weighted, 100 - percent));
        }

        routes.Add(new RouteRequest(rollout.ModelName, rollout.ChallengerVersion, null, RouteRole.Weighted, percent));
        routes.AddRange(shadows ?? [.. baseline.Routes.Where(r => r.Role == RouteRole.Shadow).Select(ToRequest)]);
        return routes;
    }

    private static RouteRequest ToRequest(TrafficRoute route) => new(route.ModelName, route.Version, route.Alias, route.Role, route.Weight);

    private async Task<List<PredictionWithFeedback>> ReadRowsAsync(string endpoint, long from, long to, CancellationToken cancellationToken)
    {
        var rows = new List<PredictionWithFeedback>();
        Guid? after = null;
        while (rows.Count < MaxRowsRead)
        {
            var page = await predictions.ListAsync(new PredictionQuery { EndpointName = endpoint, From = from, To = to, After = after, Limit = PredictionQuery.MaxLimit }, cancellationToken);
            rows.AddRange(page);
            if (page.Count < PredictionQuery.MaxLimit)
            {
                break;
            }

            after = page[^1].Prediction.Id;
        }

        return rows;
    }

    private static bool Is(PredictionWithFeedback row, string model, int version) =>
        row.Prediction.ModelVersion == version && string.Equals(row.Prediction.ModelName, model, StringComparison.Ordinal);

    private static List<(double Score, string? Class, PredictionFeedback? Feedback)> Scores(IEnumerable<PredictionWithFeedback> rows)
    {
        var scores = new List<(double, string?, PredictionFeedback?)>();
        foreach (var row in rows)
        {
            if (ReviewRules.Score(row.Prediction.OutputsJson, null) is { } score && !double.IsNaN(score.Score))
            {
                scores.Add((score.Score, score.Class, row.Feedback));
            }
        }

        return scores;
    }

    private static double? Realized(string metric, List<(double Score, string? Class, PredictionFeedback? Feedback)> scores, out int labelled)
    {
        if (metric is "rmse" or "mae")
        {
            var valued = scores.Where(s => s.Feedback?.Value is not null).ToList();
            labelled = valued.Count;
            return labelled == 0 ? null : RampMeasures.Regression(metric, [.. valued.Select(s => s.Feedback!.Value!.Value)], [.. valued.Select(s => s.Score)]);
        }

        var withLabels = scores.Where(s => s.Feedback?.Label is not null).ToList();
        labelled = withLabels.Count;
        if (labelled == 0)
        {
            return null;
        }

        var actual = withLabels.Select(s => string.Equals(s.Feedback!.Label, s.Class ?? "1", StringComparison.Ordinal)).ToArray();
        return RampMeasures.Binary(metric, actual, [.. withLabels.Select(s => s.Score)]);
    }

    private async Task<string> MetricAsync(Rollout rollout, CancellationToken cancellationToken) =>
        rollout.EvaluationId is { } id && await evaluations.FindAsync(id, cancellationToken) is { Metric.Length: > 0 } evaluation
            ? evaluation.Metric
            : "roc_auc";

    private static void Check(RampRequest ask)
    {
        var errors = new Dictionary<string, string[]>();
        if (ask.Steps.Count == 0 || ask.Steps[^1] != 100 || ask.Steps.Any(s => s is < 1 or > 100)
            || ask.Steps.Zip(ask.Steps.Skip(1)).Any(p => p.Second <= p.First))
        {
            errors["steps"] = ["must rise from 1 to 100 percent and end at 100"];
        }

        if (ask.HoldMinutes is < 0 or > 7 * 24 * 60 || double.IsNaN(ask.HoldMinutes))
        {
            errors["holdMinutes"] = ["must be between 0 and 10080 (a week)"];
        }

        if (ask.Guards.MaxErrorRate is < 0 or > 1 || double.IsNaN(ask.Guards.MaxErrorRate))
        {
            errors["guards.maxErrorRate"] = ["must be between 0 and 1"];
        }

        if (ask.Guards.MinRows < 1)
        {
            errors["guards.minRows"] = ["must be at least 1"];
        }

        if (string.IsNullOrWhiteSpace(ask.Alias))
        {
            errors["alias"] = ["must not be empty"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    private async Task AuditAsync(string actor, string action, Rollout rollout, string detail, string? guardsJson, CancellationToken cancellationToken) =>
        await audit.RecordAsync(actor, AuditRecord.Of(action, Target(rollout), new
        {
            rollout.EndpointName,
            rollout.ModelName,
            rollout.ChampionVersion,
            rollout.ChallengerVersion,
            rollout.PipelineRunId,
            Percent = rollout.StepList()[rollout.StepIndex],
            Detail = detail,
            Guards = guardsJson,
        }), cancellationToken);

    private static string Target(Rollout rollout) => $"rollout:{rollout.EndpointName}/{rollout.Id}";

    private RolloutEvent Event(string kind, int percent, string detail, string? guardsJson) =>
        new() { At = Now(), Kind = kind, Percent = percent, Detail = detail, GuardsJson = guardsJson };

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
