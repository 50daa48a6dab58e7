using Ferry.Core.Governance;
using Ferry.Core.Serving;
using Ferry.Server.Governance;

namespace Ferry.Server.Oversight;

/// <summary>The strictest retention floor among the models an endpoint serves.</summary>
/// <param name="Days">The floor in days (0: none).</param>
/// <param name="ModelName">The model whose policy sets it, or null without a floor.</param>
/// <param name="Tier">That model's risk tier.</param>
public sealed record RetentionFloor(int Days, string? ModelName, RiskTier Tier)
{
    /// <summary>No floor.</summary>
    public static readonly RetentionFloor None = new(0, null, RiskTier.Low);
}

/// <summary>
/// Finds an endpoint's retention floor: the largest <see cref="PromotionPolicy.RetentionFloorDays"/> among the models its
/// active traffic policy routes to (weighted routes and shadows).
/// </summary>
public sealed class RetentionFloors(IEndpointStore endpoints, PolicyResolver policies)
{
    /// <summary>The endpoint's floor (<see cref="RetentionFloor.None"/> for an unknown endpoint).</summary>
    public async Task<RetentionFloor> ForEndpointAsync(string endpointName, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetAsync(endpointName, cancellationToken);
        var active = endpoint?.Policies.FirstOrDefault(p => p.Revision == endpoint.ActiveRevision);
        if (active is null)
        {
            return RetentionFloor.None;
        }

        var floor = RetentionFloor.None;
        foreach (var model in active.Routes.Select(r => r.ModelName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var policy = (await policies.ResolveAsync(model, cancellationToken)).Policy;
            if (policy.RetentionFloorDays > floor.Days)
            {
                floor = new RetentionFloor(policy.RetentionFloorDays, model, policy.Tier);
            }
        }

        return floor;
    }

    /// <summary>The tier as it is written in messages.</summary>
    public static string TierName(RiskTier tier) => tier.ToString().ToLowerInvariant();
}
