using System.Text.Json;
using Ferry.Core.Governance;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance;

/// <summary>A model's effective policy, where it came from, and its stored revision (0: the installation default).</summary>
/// <param name="Policy">The effective policy.</param>
/// <param name="Revision">The stored revision, 0 when none is stored.</param>
/// <param name="Overrides">The stored overrides (empty without a stored policy).</param>
/// <param name="Stored">The stored revision's row, or null.</param>
public sealed record EffectivePolicy(PromotionPolicy Policy, int Revision, PolicyOverrides Overrides, PolicyRevision? Stored);

/// <summary>Resolves a model's effective promotion policy: its newest stored revision, else the installation's default tier.</summary>
public sealed class PolicyResolver(IPolicyStore policies, IOptions<GovernanceOptions> options)
{
    /// <summary>The effective policy of <paramref name="modelName"/> (the model's existence is not checked).</summary>
    public async Task<EffectivePolicy> ResolveAsync(string modelName, CancellationToken cancellationToken)
    {
        var stored = await policies.FindAsync(modelName, cancellationToken);
        if (stored is null)
        {
            return new EffectivePolicy(PromotionPolicy.Defaults(options.Value.DefaultTier), 0, new PolicyOverrides(), null);
        }

        var overrides = JsonSerializer.Deserialize<PolicyOverrides>(stored.OverridesJson, PolicyJson.Options) ?? new PolicyOverrides();
        return new EffectivePolicy(PromotionPolicy.Resolve(stored.Tier, overrides), stored.Revision, overrides, stored);
    }
}
