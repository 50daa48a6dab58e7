using Microsoft.Extensions.Options;

namespace Ferry.Server.Monitoring;

/// <summary>How served rows are folded into profiles; bound from <c>Ferry:Profile</c>.</summary>
public sealed class ProfileOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Profile";

    /// <summary>Width of a profile bucket (the finest time resolution of reports; default 1 h, at least 1 s).</summary>
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often folded profiles are written to the database (default 10 s).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Served batches waiting to be folded; beyond this a batch is not profiled and is counted.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>
    /// This replica's id in the profile table (default: the machine name and the process id, so two replicas on one
    /// machine never write the same row; each replica must have its own, as concurrent merges into one row would lose rows).
    /// </summary>
    public string ReplicaId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";
}

/// <summary>Checks <see cref="ProfileOptions"/> at start-up.</summary>
internal sealed class ProfileOptionsValidator : IValidateOptions<ProfileOptions>
{
    public ValidateOptionsResult Validate(string? name, ProfileOptions options)
    {
        const string Section = ProfileOptions.Section;
        var failures = new List<string>();
        if (options.BucketWidth < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Section}:{nameof(options.BucketWidth)} must be at least 1 second, not {options.BucketWidth}");
        }

        if (options.FlushInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.FlushInterval)} must be positive, not {options.FlushInterval}");
        }

        if (options.QueueCapacity < 1)
        {
            failures.Add($"{Section}:{nameof(options.QueueCapacity)} must be at least 1, not {options.QueueCapacity}");
        }

        if (string.IsNullOrWhiteSpace(options.ReplicaId))
        {
            failures.Add($"{Section}:{nameof(options.ReplicaId)} must not be empty");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
