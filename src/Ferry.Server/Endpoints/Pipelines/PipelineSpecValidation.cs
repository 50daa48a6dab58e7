using System.Text.RegularExpressions;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Quartz;

namespace Ferry.Server.Endpoints.Pipelines;

/// <summary>Checks a pipeline's name and spec; every problem is named by its field (<c>spec.command.executable</c>, ...).</summary>
public static partial class PipelineSpecValidation
{
    /// <summary>The longest training timeout: 7 days.</summary>
    public const int MaxTimeoutSeconds = 7 * 24 * 3600;

    /// <summary>The metrics an evaluation can decide on.</summary>
    public static IReadOnlySet<string> Metrics { get; } = new HashSet<string>(StringComparer.Ordinal) { "roc_auc", "accuracy", "f1", "log_loss", "brier", "rmse", "mae" };

    /// <summary>The alert check kinds a trigger can follow.</summary>
    public static IReadOnlySet<string> AlertKinds { get; } = new HashSet<string>(StringComparer.Ordinal) { "drift", "quality", "performance", "cbpe" };

    /// <summary>The promotion modes.</summary>
    public static IReadOnlySet<string> PromotionModes { get; } = new HashSet<string>(StringComparer.Ordinal) { "auto", "ramp", "request", "none" };

    /// <summary>Throws <see cref="ValidationException"/> naming each field of <paramref name="spec"/> that is out of range.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="executors">The executor kinds this server has.</param>
    public static void Check(PipelineSpec spec, IReadOnlyCollection<string> executors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        var command = spec.Command ?? new TrainingCommand();
        if (string.IsNullOrWhiteSpace(command.Executable))
        {
            Fail("spec.command.executable", "must name the program to run");
        }

        if (command.Arguments is null || command.Arguments.Any(a => a is null || a.Contains('\0', StringComparison.Ordinal)))
        {
            Fail("spec.command.arguments", "must be a list of strings without NUL characters");
        }

        if (command.WorkingDirectory is { } directory && !Path.IsPathFullyQualified(directory))
        {
            Fail("spec.command.workingDirectory", $"must be an absolute path, not '{directory}'");
        }

        if (command.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            Fail("spec.command.timeoutSeconds", $"must be 1 s to 7 days ({MaxTimeoutSeconds} s), not {command.TimeoutSeconds}");
        }

        if (command.MemoryLimitMb is <= 0)
        {
            Fail("spec.command.memoryLimitMb", $"must be positive, not {command.MemoryLimitMb}");
        }

        if (command.CpuLimitSeconds is <= 0)
        {
            Fail("spec.command.cpuLimitSeconds", $"must be positive, not {command.CpuLimitSeconds}");
        }

        if (!executors.Contains(command.Executor ?? string.Empty))
        {
            Fail("spec.command.executor", $"must be one of {string.Join(", ", executors)}, not '{command.Executor}'");
        }

        if (command.Environment is { } environment && environment.Keys.Any(k => k.Length == 0 || k.Contains('=', StringComparison.Ordinal) || k.Contains('\0', StringComparison.Ordinal)))
        {
            Fail("spec.command.environment", "names must be non-empty and hold no '=' or NUL");
        }

        if (spec.Dataset is { } dataset)
        {
            if (!(dataset.WindowHours > 0))
            {
                Fail("spec.dataset.windowHours", $"must be positive, not {dataset.WindowHours}");
            }

            if (dataset.LabelDelayMaxHours is { } delay && !(delay > 0))
            {
                Fail("spec.dataset.labelDelayMaxHours", $"must be positive, not {delay}");
            }

            if (!(dataset.HoldoutFraction is >= 0 and < 1))
            {
                Fail("spec.dataset.holdoutFraction", $"must be at least 0 and below 1, not {dataset.HoldoutFraction}");
            }
        }

        var triggers = spec.Triggers ?? new PipelineTriggers();
        if (triggers.Cron is { } cron && !CronExpression.TryParse(cron, out _))
        {
            Fail("spec.triggers.cron", $"'{cron}' is not a valid Quartz cron expression (seconds first, e.g. '0 0 3 ? * MON')");
        }

        if (triggers.Alerts?.FirstOrDefault(a => !AlertKinds.Contains(a)) is { } alert)
        {
            Fail("spec.triggers.alerts", $"'{alert}' is not one of {string.Join(", ", AlertKinds)}");
        }

        if (triggers.NewLabels is <= 0)
        {
            Fail("spec.triggers.newLabels", $"must be positive, not {triggers.NewLabels}");
        }

        if (!(triggers.CooldownMinutes >= 0))
        {
            Fail("spec.triggers.cooldownMinutes", $"must not be negative, not {triggers.CooldownMinutes}");
        }

        var evaluation = spec.Evaluation ?? new EvaluationPlan();
        if (!Metrics.Contains(evaluation.Metric ?? string.Empty))
        {
            Fail("spec.evaluation.metric", $"must be one of {string.Join(", ", Metrics)}, not '{evaluation.Metric}'");
        }

        if (!(evaluation.Margin >= 0))
        {
            Fail("spec.evaluation.margin", $"must not be negative, not {evaluation.Margin}");
        }

        if (evaluation.BootstrapSamples is < 100 or > 100_000)
        {
            Fail("spec.evaluation.bootstrapSamples", $"must be 100 to 100000, not {evaluation.BootstrapSamples}");
        }

        if (!(evaluation.Confidence is > 0.5 and < 1))
        {
            Fail("spec.evaluation.confidence", $"must be above 0.5 and below 1, not {evaluation.Confidence}");
        }

        if (!(evaluation.ShadowMinutes >= 0))
        {
            Fail("spec.evaluation.shadowMinutes", $"must not be negative, not {evaluation.ShadowMinutes}");
        }

        if (evaluation.ShadowRows is <= 0)
        {
            Fail("spec.evaluation.shadowRows", $"must be positive, not {evaluation.ShadowRows}");
        }

        var promotion = spec.Promotion ?? new PromotionPlan();
        if (!PromotionModes.Contains(promotion.Mode ?? string.Empty))
        {
            Fail("spec.promotion.mode", $"must be one of {string.Join(", ", PromotionModes)}, not '{promotion.Mode}'");
        }

        var steps = promotion.Steps ?? [];
        if (steps.Count == 0 || steps[^1] != 100 || steps.Any(s => s is < 1 or > 100) || steps.Zip(steps.Skip(1)).Any(p => p.Second <= p.First))
        {
            Fail("spec.promotion.steps", $"must be increasing percentages from 1 to 100 ending at 100, not [{string.Join(", ", steps)}]");
        }

        if (!(promotion.HoldMinutes >= 0))
        {
            Fail("spec.promotion.holdMinutes", $"must not be negative, not {promotion.HoldMinutes}");
        }

        if (string.IsNullOrWhiteSpace(promotion.Alias))
        {
            Fail("spec.promotion.alias", "must not be empty");
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    /// <summary>Throws <see cref="ValidationException"/> unless <paramref name="name"/> is 1–128 letters, digits and <c>-_.</c>.</summary>
    public static void CheckName(string? name)
    {
        if (name is null || !NamePattern().IsMatch(name))
        {
            throw new ValidationException("name", $"must be 1 to 128 letters, digits, '-', '_' or '.', not '{name}'");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();
}
