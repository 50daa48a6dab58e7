using Ferry.Core.Governance;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance;

/// <summary>Installation-wide governance settings; bound from <c>Ferry:Governance</c>.</summary>
public sealed class GovernanceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Governance";

    /// <summary>The tier of a model that has no stored policy (default <c>medium</c>: one approval by someone other than the requester).</summary>
    public RiskTier DefaultTier { get; set; } = RiskTier.Medium;
}

/// <summary>Checks <see cref="GovernanceOptions"/> at start-up.</summary>
internal sealed class GovernanceOptionsValidator : IValidateOptions<GovernanceOptions>
{
    public ValidateOptionsResult Validate(string? name, GovernanceOptions options) =>
        Enum.IsDefined(options.DefaultTier)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{GovernanceOptions.Section}:{nameof(options.DefaultTier)} must be low, medium or high, not {options.DefaultTier}");
}
