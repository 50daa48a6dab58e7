using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Server.Monitoring;

namespace Ferry.Server.Endpoints.Monitoring;

/// <summary>Checks a monitor name.</summary>
public static class MonitorNames
{
    /// <summary>Names are 1–128 characters of letters, digits, '-', '_' and '.'.</summary>
    /// <exception cref="ValidationException">The name is not allowed.</exception>
    public static void Check(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ValidationException("name", "must be 1–128 characters of letters, digits, '-', '_' and '.'");
        }
    }
}

/// <summary>Checks a <see cref="MonitorSpec"/> field by field.</summary>
public static class MonitorSpecValidation
{
    /// <summary>Longest window: 400 days.</summary>
    public const long MaxWindowSeconds = 400L * 86_400;

    /// <summary>Throws a <see cref="ValidationException"/> naming every invalid field.</summary>
    public static void Check(MonitorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [message];
        if (spec.WindowSeconds is <= 0 or > MaxWindowSeconds)
        {
            Error("spec.windowSeconds", $"must be between 1 and {MaxWindowSeconds} (400 days)");
        }

        if (spec.Schedule is { } cron && !MonitorSchedules.IsValid(cron))
        {
            Error("spec.schedule", "is not a Quartz cron expression (seconds first, e.g. '0 0 * * * ?' for hourly)");
        }

        if (spec.MinRows < 1)
        {
            Error("spec.minRows", "must be at least 1");
        }

        if (spec.Drift is { } drift)
        {
            Guard(() => DriftMethods.Parse(drift.Method, "spec.drift.method"), errors);
            if (drift.DriftShare is <= 0 or > 1)
            {
                Error("spec.drift.driftShare", "must be in (0, 1]");
            }

            if (drift.Threshold is { } t && (t <= 0 || double.IsNaN(t)))
            {
                Error("spec.drift.threshold", "must be positive");
            }

            foreach (var (column, own) in drift.Columns ?? new Dictionary<string, ColumnDriftSpec>())
            {
                Guard(() => DriftMethods.Parse(own.Method, $"spec.drift.columns.{column}.method"), errors);
                if (own.Threshold is { } ct && (ct <= 0 || double.IsNaN(ct)))
                {
                    Error($"spec.drift.columns.{column}.threshold", "must be positive");
                }
            }
        }

        if (spec.Quality is { } q)
        {
            foreach (var (field, rate) in new[] { ("maxMissingRate", q.MaxMissingRate), ("maxOutOfRangeRate", q.MaxOutOfRangeRate), ("maxUnseenCategoryRate", q.MaxUnseenCategoryRate), ("maxInvalidRate", q.MaxInvalidRate) })
            {
                if (rate is < 0 or > 1 || double.IsNaN(rate))
                {
                    Error($"spec.quality.{field}", "must be a rate between 0 and 1");
                }
            }
        }

        if (spec.Performance is { } p)
        {
            if (!MonitorEvaluator.MetricNames.Contains(p.Metric))
            {
                Error("spec.performance.metric", $"must be one of {string.Join(", ", MonitorEvaluator.MetricNames)}");
            }

            if (p.Min is not null && p.Max is not null)
            {
                Error("spec.performance", "set min or max, not both");
            }

            if (p.DecisionThreshold is <= 0 or >= 1)
            {
                Error("spec.performance.decisionThreshold", "must be in (0, 1)");
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    private static void Guard(Action check, Dictionary<string, string[]> errors)
    {
        try
        {
            check();
        }
        catch (ValidationException e)
        {
            foreach (var (field, messages) in e.Errors)
            {
                errors[field] = messages;
            }
        }
    }
}
