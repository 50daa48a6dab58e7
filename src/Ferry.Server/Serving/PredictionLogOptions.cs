using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>The prediction log's buffer and writer; bound from <c>Ferry:PredictionLog</c>.</summary>
public sealed class PredictionLogOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:PredictionLog";

    /// <summary>Most predictions held in memory waiting to be written to the prediction log (default 100,000).</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>
    /// Most memory the waiting predictions may take (default 256 MiB), estimated from their inputs' and outputs' text
    /// (<see cref="PredictionLog.EstimateBytes"/>): with wide rows this, not <see cref="Capacity"/>, bounds the buffer.
    /// </summary>
    public long MaxBufferBytes { get; set; } = 256L << 20;

    /// <summary>Most predictions written to the prediction log in one batch (one transaction; default 1,000).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Longest a batch waits to fill before it is written (default 200 ms).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long a request waits for room in a full prediction-log buffer before it is refused with 503 (default 1 s):
    /// while serving briefly outpaces the writer, requests slow down to the log's pace instead of failing.
    /// </summary>
    public TimeSpan FullWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a request to a durable endpoint waits for its rows to be committed before it is answered 503 with
    /// Retry-After (default 5 s); its rows stay queued and are still written once the database accepts them.
    /// </summary>
    public TimeSpan DurableTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Checks <see cref="PredictionLogOptions"/> at start-up.</summary>
internal sealed class PredictionLogOptionsValidator : IValidateOptions<PredictionLogOptions>
{
    public ValidateOptionsResult Validate(string? name, PredictionLogOptions options)
    {
        const string Section = PredictionLogOptions.Section;
        var failures = new List<string>();
        if (options.Capacity < 1)
        {
            failures.Add($"{Section}:{nameof(options.Capacity)} must be at least 1, not {options.Capacity}");
        }

        if (options.BatchSize < 1)
        {
            failures.Add($"{Section}:{nameof(options.BatchSize)} must be at least 1, not {options.BatchSize}");
        }
        else if (options.Capacity >= 1 && options.BatchSize > options.Capacity)
        {
            failures.Add($"{Section}:{nameof(options.BatchSize)} ({options.BatchSize}) must not exceed {Section}:{nameof(options.Capacity)} ({options.Capacity})");
        }

        if (options.FlushInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.FlushInterval)} must be positive, not {options.FlushInterval}");
        }

        if (options.FullWait < TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.FullWait)} must not be negative, not {options.FullWait}");
        }

        if (options.MaxBufferBytes < (1L << 20))
        {
            failures.Add($"{Section}:{nameof(options.MaxBufferBytes)} must be at least 1 MiB (1048576), not {options.MaxBufferBytes}");
        }

        if (options.DurableTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.DurableTimeout)} must be positive, not {options.DurableTimeout}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
