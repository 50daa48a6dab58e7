using Ferry.Core.Pipelines;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>Badges and small fragments the loop pages share.</summary>
internal static class LoopParts
{
    /// <summary>The badge of a run's <see cref="LoopPhases"/> value; the text names the phase.</summary>
    public static Html Phase(string phase) => Html.Of($"<span class=\"badge {PhaseTone(phase).ToString().ToLowerInvariant()} phase\" data-phase=\"{phase}\">{PhaseText(phase)}</span>");

    /// <summary>The tone of a phase: in progress amber, promoted green, rolled back and failed red, the other ends grey.</summary>
    public static Ui.Tone PhaseTone(string phase) => phase switch
    {
        LoopPhases.Promoted => Ui.Tone.Ok,
        LoopPhases.RolledBack or LoopPhases.Failed => Ui.Tone.Fail,
        LoopPhases.Rejected or LoopPhases.NoVersion or LoopPhases.Cancelled => Ui.Tone.None,
        _ => Ui.Tone.Warn,
    };

    /// <summary>A phase in words.</summary>
    public static string PhaseText(string phase) => phase switch
    {
        LoopPhases.Queued => "queued",
        LoopPhases.Training => "training",
        LoopPhases.Evaluating => "evaluating",
        LoopPhases.Shadowing => "shadowing",
        LoopPhases.Promoting => "promoting",
        LoopPhases.RollingOut => "rolling out",
        LoopPhases.AwaitingApproval => "awaiting approval",
        LoopPhases.Promoted => "promoted",
        LoopPhases.RolledBack => "rolled back",
        LoopPhases.Rejected => "rejected",
        LoopPhases.NoVersion => "no version",
        LoopPhases.Failed => "failed",
        LoopPhases.Cancelled => "cancelled",
        _ => phase,
    };

    /// <summary>A firing's outcome.</summary>
    public static Html Outcome(string outcome) => outcome switch
    {
        FiringOutcomes.Started => Ui.Badge("started", Ui.Tone.Ok),
        FiringOutcomes.CoolingDown => Ui.Badge("cool-down", Ui.Tone.None),
        FiringOutcomes.Busy => Ui.Badge("busy", Ui.Tone.Warn),
        FiringOutcomes.Disabled => Ui.Badge("disabled", Ui.Tone.None),
        _ => Html.Of($"<span class=\"badge none\">{outcome}</span>"),
    };

    /// <summary>An evaluation's verdict.</summary>
    public static Html Verdict(string verdict) => Html.Of($"<span class=\"badge {VerdictTone(verdict).ToString().ToLowerInvariant()} verdict\" data-verdict=\"{verdict}\">{verdict.Replace('_', ' ')}</span>");

    /// <summary>A ramp's status.</summary>
    public static Html RolloutStatusBadge(string status) => Html.Of($"<span class=\"badge {RolloutTone(status).ToString().ToLowerInvariant()}\" data-status=\"{status}\">{status.Replace('_', ' ')}</span>");

    /// <summary>A number with a format, or a dash.</summary>
    public static string N(double? value, string format = "0.000") => value is { } v ? Ui.Number(v, format) : "–";

    /// <summary>A share as a percentage, or a dash.</summary>
    public static string P(double? share) => share is { } s ? Ui.Percent(s) : "–";

    /// <summary>A time from epoch ms, or a dash.</summary>
    public static Html T(long? epochMs) => epochMs is { } ms ? Ui.Time(ms) : Html.Text("–");

    /// <summary>An interval <c>[low, high]</c>, or a dash.</summary>
    public static string Interval(double? low, double? high) => low is null && high is null ? "–" : $"[{N(low)}, {N(high)}]";

    /// <summary>A duration in words (minutes, hours or days).</summary>
    public static string Duration(long ms)
    {
        var span = TimeSpan.FromMilliseconds(Math.Max(0, ms));
        return span.TotalMinutes < 1 ? Ui.Number(span.TotalSeconds, "0") + " s"
            : span.TotalHours < 2 ? Ui.Number(span.TotalMinutes, "0") + " min"
            : span.TotalDays < 2 ? Ui.Number(span.TotalHours, "0.#") + " h"
            : Ui.Number(span.TotalDays, "0.#") + " days";
    }

    /// <summary>The first 12 characters of a digest.</summary>
    public static string Short(string? digest) => string.IsNullOrEmpty(digest) ? "–" : digest.Length <= 12 ? digest : digest[..12];

    /// <summary>The configured triggers of a pipeline, in words.</summary>
    public static Html Triggers(PipelineSpec spec, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var triggers = spec.Triggers;
        var items = new List<Html>();
        if (triggers.Cron is { Length: > 0 } cron)
        {
            items.Add(Html.Of($"<li data-trigger=\"schedule\">Schedule: <code>{cron}</code> (Quartz cron, UTC)</li>"));
        }

        if (triggers.Alerts.Count > 0)
        {
            items.Add(Html.Of($"<li data-trigger=\"alert\">An alert opens on the endpoint whose check starts with {Html.Join(triggers.Alerts.Select((a, i) => Html.Of($"{(i == 0 ? Html.Empty : Html.Text(", "))}<code>{a}</code>")))}</li>"));
        }

        if (triggers.NewLabels is { } labels)
        {
            items.Add(Html.Of($"<li data-trigger=\"labels\">{Ui.Number(labels)} new labelled rows since the last started run</li>"));
        }

        items.Add(Html.Of($"<li data-trigger=\"manual\">Manual: <code>./ferry pipelines run NAME</code></li>"));
        var state = enabled ? Html.Empty : Html.Of($"<p>{Ui.Badge("disabled", Ui.Tone.None)} Triggers record their firings but start nothing; manual runs are refused.</p>");
        return Html.Of($"{state}<ul class=\"triggers\">{Html.Join(items)}</ul><p class=\"hint\">Cool-down between automatic runs: <span class=\"cooldown\">{Duration((long)(triggers.CooldownMinutes * 60_000))}</span>.</p>");
    }

    private static Ui.Tone VerdictTone(string verdict) => verdict switch
    {
        EvaluationVerdicts.Better or EvaluationVerdicts.NotWorse => Ui.Tone.Ok,
        EvaluationVerdicts.Worse => Ui.Tone.Fail,
        EvaluationVerdicts.Inconclusive => Ui.Tone.Warn,
        _ => Ui.Tone.None,
    };

    private static Ui.Tone RolloutTone(string status) => status switch
    {
        RolloutStatus.Promoted => Ui.Tone.Ok,
        RolloutStatus.RolledBack => Ui.Tone.Fail,
        RolloutStatus.Ramping => Ui.Tone.Warn,
        _ => Ui.Tone.None,
    };
}
