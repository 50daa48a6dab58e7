using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance.Gates;

/// <summary>The quality gates' settings that are not per policy; bound from <c>Ferry:QualityGates</c>.</summary>
public sealed class QualityGateOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:QualityGates";

    /// <summary>The drift gate's window of production traffic, ending now (default 1 day).</summary>
    public TimeSpan DriftWindow { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Checks <see cref="QualityGateOptions"/> at start-up.</summary>
internal sealed class QualityGateOptionsValidator : IValidateOptions<QualityGateOptions>
{
    public ValidateOptionsResult Validate(string? name, QualityGateOptions options) =>
        options.DriftWindow > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{QualityGateOptions.Section}:{nameof(options.DriftWindow)} must be positive, not {options.DriftWindow}");
}
