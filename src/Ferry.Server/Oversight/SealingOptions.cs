using Microsoft.Extensions.Options;

namespace Ferry.Server.Oversight;

/// <summary>Hourly sealing of the prediction log; bound from <c>Ferry:Sealing</c>.</summary>
public sealed class SealingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Sealing";

    /// <summary>
    /// How long after an hour ends before it is sealed (default 2 minutes), so rows still in a prediction-log buffer
    /// when the hour ended are written first.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether a graceful shutdown seals the open hour up to then (default true), after the prediction log has drained.</summary>
    public bool SealAtShutdown { get; set; } = true;
}

/// <summary>Checks <see cref="SealingOptions"/> at start-up.</summary>
internal sealed class SealingOptionsValidator : IValidateOptions<SealingOptions>
{
    public ValidateOptionsResult Validate(string? name, SealingOptions options) =>
        options.Grace < TimeSpan.Zero || options.Grace >= TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"{SealingOptions.Section}:{nameof(options.Grace)} must be at least 0 and under an hour, not {options.Grace}")
            : ValidateOptionsResult.Success;
}
