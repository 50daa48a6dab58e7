using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving.Partitions;

/// <summary>
/// The prediction log's day partitions on PostgreSQL (SQLite has none); bound from <c>Ferry:PredictionPartitions</c>.
/// </summary>
public sealed class PredictionPartitionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:PredictionPartitions";

    /// <summary>Days past today that always have their partition (default 7), so rows never wait in the DEFAULT partition.</summary>
    public int DaysAhead { get; set; } = 7;

    /// <summary>How often the maintenance pass runs (default 1 hour); it also runs once when a replica starts.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Checks <see cref="PredictionPartitionOptions"/> at start-up.</summary>
internal sealed class PredictionPartitionOptionsValidator : IValidateOptions<PredictionPartitionOptions>
{
    public ValidateOptionsResult Validate(string? name, PredictionPartitionOptions options)
    {
        var errors = new List<string>();
        if (options.DaysAhead is < 1 or > 366)
        {
            errors.Add($"{PredictionPartitionOptions.Section}:{nameof(options.DaysAhead)} must be between 1 and 366, not {options.DaysAhead}");
        }

        if (options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromHours(12))
        {
            errors.Add($"{PredictionPartitionOptions.Section}:{nameof(options.Interval)} must be between 1 s and 12 hours, not {options.Interval}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
