using Microsoft.Extensions.Options;

namespace Ferry.Server.Memory;

/// <summary>Giving memory back after load; bound from <c>Ferry:Memory</c>.</summary>
public sealed class MemoryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Memory";

    /// <summary>
    /// Whether memory is given back to the operating system once the server goes idle after load (default true):
    /// one compacting, decommitting garbage collection and, on glibc, <c>malloc_trim</c>. Without it, the process keeps
    /// the peak of a burst until the next collection, which an idle server never runs.
    /// </summary>
    public bool TrimWhenIdle { get; set; } = true;

    /// <summary>How often allocation is sampled (default 10 s).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive quiet samples before memory is given back (default 3: 30 s of quiet).</summary>
    public int QuietChecks { get; set; } = 3;

    /// <summary>Most bytes allocated in one <see cref="CheckInterval"/> that still counts as quiet (default 8 MiB).</summary>
    public long QuietAllocationBytes { get; set; } = 8L << 20;
}

/// <summary>Checks <see cref="MemoryOptions"/> at start-up.</summary>
internal sealed class MemoryOptionsValidator : IValidateOptions<MemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        const string Section = MemoryOptions.Section;
        var failures = new List<string>();
        if (options.CheckInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Section}:{nameof(options.CheckInterval)} must be at least 1 second, not {options.CheckInterval}");
        }

        if (options.QuietChecks < 1)
        {
            failures.Add($"{Section}:{nameof(options.QuietChecks)} must be at least 1, not {options.QuietChecks}");
        }

        if (options.QuietAllocationBytes < 0)
        {
            failures.Add($"{Section}:{nameof(options.QuietAllocationBytes)} must not be negative, not {options.QuietAllocationBytes}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
