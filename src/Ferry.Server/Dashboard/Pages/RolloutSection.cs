using Ferry.Core.Pipelines;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// The ramp as it moves: the active ramp's steps with the current one marked and the hold remaining, the guards' latest
/// measurements against their limits and the event list; past ramps with their end; rollbacks and their reasons first.
/// </summary>
internal static class RolloutSection
{
    /// <summary>How many past ramps the loop page lists.</summary>
    public const int PastShown = 20;

    /// <summary>The rollbacks banner, the active ramps and the past ones of an endpoint.</summary>
    public static async Task<Html> RenderAsync(string endpoint, IRolloutStore rollouts, IPipelineStore pipelines, long now, CancellationToken cancellationToken)
    {
        var all = await rollouts.ListAsync(endpoint, false, PastShown, cancellationToken);
        if (all.Count == 0)
        {
            return Ui.Empty("No canary ramp yet.", Html.Text("A pipeline run whose challenger passes its evaluation ramps it up here (promotion mode ramp or auto, for an ungoverned model)."));
        }

        var runs = new Dictionary<Guid, PipelineRun>();
        foreach (var id in all.Where(r => r.PipelineRunId is not null).Select(r => r.PipelineRunId!.Value).Distinct())
        {
            if (await pipelines.FindRunAsync(id, cancellationToken) is { } run)
            {
                runs[id] = run;
            }
        }

        var rolledBack = all.Where(r => r.Status == RolloutStatus.RolledBack).ToList();
        var banner = rolledBack.Count == 0
            ? Html.Empty
            : Html.Of($"""
                <section class="banner rollbacks" id="rollbacks" aria-labelledby="rollbacks-title">
                <h3 id="rollbacks-title">Rolled back</h3>
                <ul>{Html.Each(rolledBack, r => Html.Of($"<li data-rollout=\"{r.Id}\">{LoopParts.T(r.EndedAt)}: {r.ModelName} v{r.ChallengerVersion} back to v{r.ChampionVersion} at {Percent(r)}. <strong>Reason:</strong> <span class=\"reason\">{r.Reason ?? "not recorded"}</span>{RunLink(r, runs)}</li>"))}</ul>
                </section>
                """);
        var active = new List<Html>();
        foreach (var rollout in all.Where(r => r.Status == RolloutStatus.Ramping))
        {
            active.Add(await ActiveAsync(rollout, rollouts, runs, now, cancellationToken));
        }

        var past = all.Where(r => r.Status != RolloutStatus.Ramping).ToList();
        var pastTable = past.Count == 0
            ? Html.Empty
            : Ui.Table("Past ramps",
                Html.Raw("<th scope=\"col\">Started</th><th scope=\"col\">Challenger</th><th scope=\"col\">Steps</th><th scope=\"col\">End</th><th scope=\"col\">Reason</th><th scope=\"col\">Ended</th>"),
                Html.Each(past, r => Html.Of($"<tr data-rollout=\"{r.Id}\" data-status=\"{r.Status}\"><td>{Ui.Time(r.StartedAt)}</td><td>{r.ModelName} v{r.ChallengerVersion} (champion v{r.ChampionVersion}){RunLink(r, runs)}</td><td>{Steps(r)}</td><td>{LoopParts.RolloutStatusBadge(r.Status)}</td><td class=\"reason\">{r.Reason ?? "–"}</td><td>{LoopParts.T(r.EndedAt)}</td></tr>")));
        return Html.Of($"""
            {banner}
            {(active.Count == 0 ? Html.Of($"<p class=\"hint\">No ramp is moving now.</p>") : Html.Join(active))}
            {pastTable}
            """);
    }

    private static async Task<Html> ActiveAsync(Rollout rollout, IRolloutStore rollouts, Dictionary<Guid, PipelineRun> runs, long now, CancellationToken cancellationToken)
    {
        var events = await rollouts.ListEventsAsync(rollout.Id, cancellationToken);
        var steps = Safe(rollout);
        var stepBar = Html.Of($"""<ol class="steps" aria-label="Ramp steps">{Html.Join(steps.Select((percent, i) => i == rollout.StepIndex
            ? Html.Of($"<li class=\"current\" aria-current=\"step\">{percent} %<span class=\"visually-hidden\"> (current step)</span></li>")
            : Html.Of($"<li class=\"{(i < rollout.StepIndex ? "done" : "todo")}\">{percent} %</li>")))}</ol>""");
        var held = now - rollout.StepStartedAt;
        var remaining = rollout.StepStartedAt + rollout.HoldMs - now;
        var hold = Html.Of($"<p class=\"hold\">Step {rollout.StepIndex + 1} of {steps.Count} since {Ui.Time(rollout.StepStartedAt)}: held {LoopParts.Duration(held)} of {LoopParts.Duration(rollout.HoldMs)}{(remaining > 0 ? Html.Of($", <strong class=\"remaining\">{LoopParts.Duration(remaining)} to go</strong>") : Html.Text(", the guards are judged next"))}.</p>");
        var judged = events.LastOrDefault(e => e.GuardsJson is not null);
        var measured = judged is null ? null : LoopJson.Guards(judged.GuardsJson);
        var guards = judged is not null && measured is not null
            ? Html.Join(
            [
                Html.Of($"<p>Latest measurements, {Ui.Time(judged.At)}{(measured.Rows is { } rows ? Html.Of($", on {Ui.Number(rows)} challenger rows") : Html.Empty)}:</p>"),
                Ui.Table("Guards: latest measurement against its limit",
                    Html.Raw("<th scope=\"col\">Guard</th><th scope=\"col\" class=\"num\">Measured</th><th scope=\"col\" class=\"num\">Limit</th><th scope=\"col\">Verdict</th>"),
                    Html.Each(measured.Guards, x => Html.Of($"<tr data-guard=\"{x.Name}\"><th scope=\"row\">{x.Name}</th><td class=\"num\">{LoopParts.N(x.Value, "0.####")}</td><td class=\"num\">{LoopParts.N(x.Limit, "0.####")}</td><td>{GuardVerdict(x.Passed)}</td></tr>"))),
            ])
            : Html.Of($"<p class=\"hint\">No step judged yet. Limits: <code>{rollout.GuardsJson}</code></p>");
        var eventList = events.Count == 0
            ? Html.Empty
            : Ui.Table("Ramp events",
                Html.Raw("<th scope=\"col\">When</th><th scope=\"col\">Event</th><th scope=\"col\" class=\"num\">Challenger share</th><th scope=\"col\">Detail</th>"),
                Html.Each(events.Reverse(), e => Html.Of($"<tr data-event=\"{e.Kind}\"><td>{Ui.Time(e.At)}</td><td>{e.Kind.Replace('_', ' ')}</td><td class=\"num\">{e.Percent} %</td><td>{e.Detail}</td></tr>")));
        return Html.Of($"""
            <section class="rollout active" id="rollout-{rollout.Id}" data-rollout="{rollout.Id}" aria-labelledby="rollout-{rollout.Id}-title">
            <h3 id="rollout-{rollout.Id}-title">Ramping {rollout.ModelName} v{rollout.ChallengerVersion} against champion v{rollout.ChampionVersion} {LoopParts.RolloutStatusBadge(rollout.Status)}</h3>
            <p>Started {Ui.Time(rollout.StartedAt)} by {rollout.StartedBy}{RunLink(rollout, runs)}. At 100 % the alias <code>{rollout.Alias}</code> moves to v{rollout.ChallengerVersion}.</p>
            {stepBar}
            {hold}
            {guards}
            {eventList}
            </section>
            """);
    }

    private static Html GuardVerdict(bool? passed) => passed switch
    {
        true => Ui.Badge("within", Ui.Tone.Ok),
        false => Ui.Badge("breached", Ui.Tone.Fail),
        null => Html.Text("–"),
    };

    private static Html RunLink(Rollout rollout, Dictionary<Guid, PipelineRun> runs) =>
        rollout.PipelineRunId is { } id && runs.TryGetValue(id, out var run)
            ? Html.Of($" (<a href=\"{DashboardLinks.PipelineRun(run.PipelineName, run.Number)}\">run {run.PipelineName} #{run.Number}</a>)")
            : Html.Empty;

    private static string Percent(Rollout rollout) => Safe(rollout) is { Count: > 0 } steps ? $"{steps[Math.Clamp(rollout.StepIndex, 0, steps.Count - 1)]} %" : "–";

    private static string Steps(Rollout rollout) => string.Join(" → ", Safe(rollout).Select(s => $"{s} %"));

    private static IReadOnlyList<int> Safe(Rollout rollout)
    {
        try
        {
            return rollout.StepList();
        }
        catch (FormatException)
        {
            return [];
        }
        catch (OverflowException)
        {
            return [];
        }
    }
}
