using Microsoft.Extensions.Options;

namespace Ferry.Server.Monitoring;

/// <summary>How monitors compute drift; bound from <c>Ferry:Monitoring</c>.</summary>
public sealed class MonitoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Monitoring";

    /// <summary>The largest <see cref="ExactRowLimit"/> accepted.</summary>
    public const int MaxExactRowLimit = 50_000_000;

    /// <summary>
    /// A window whose prediction log holds at most this many rows gets exact drift statistics, computed from the logged
    /// values against the full reference columns; beyond it (or with 0) drift comes from profiles, marked approximate.
    /// References of at most this many rows keep their full columns (default 1,000,000; at most 50,000,000).
    /// </summary>
    public int ExactRowLimit { get; set; } = 1_000_000;
}

/// <summary>Checks <see cref="MonitoringOptions"/> at start-up.</summary>
internal sealed class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitoringOptions options) =>
        options.ExactRowLimit is < 0 or > MonitoringOptions.MaxExactRowLimit
            ? ValidateOptionsResult.Fail($"{MonitoringOptions.Section}:{nameof(options.ExactRowLimit)} must lie in 0..{MonitoringOptions.MaxExactRowLimit}, not {options.ExactRowLimit}")
            : ValidateOptionsResult.Success;
}
