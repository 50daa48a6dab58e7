using System.Globalization;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Core.Serving;

namespace Ferry.Server.Governance;

/// <summary>
/// The deployment rule on governed models: an endpoint may serve a version only when it holds the <c>champion</c> alias,
/// is in Production, or has an approved promotion request. A candidate with a pending request may run as a shadow, or as
/// a weighted canary taking at most the policy's <see cref="PromotionPolicy.CanaryShareMax"/> of the weighted traffic.
/// </summary>
public sealed class DeploymentGuard(IRegistryStore registry, IPromotionStore promotions, PolicyResolver policies)
{
    /// <summary>Refuses (409) a deploy whose routes break the rule; unknown models or aliases are left to the deploy's own checks.</summary>
    public async Task CheckAsync(IReadOnlyList<RouteRequest> routes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var totalWeight = routes.Where(r => r.Role == RouteRole.Weighted).Sum(r => Math.Max(0, r.Weight));
        var problems = new List<string>();
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            var policy = (await policies.ResolveAsync(route.ModelName, cancellationToken)).Policy;
            if (!policy.Governed || route.Alias is { } followed && ProtectedAliases.IsProtected(followed))
            {
                continue;
            }

            RegistryVersion found;
            try
            {
                found = route.Version is { } number
                    ? await registry.GetVersionAsync(route.ModelName, number, cancellationToken)
                    : await registry.GetVersionByAliasAsync(route.ModelName, route.Alias ?? string.Empty, cancellationToken);
            }
            catch (NotFoundException)
            {
                continue;
            }

            var version = found.Version.Version;
            if (found.Aliases.Any(ProtectedAliases.IsProtected) || found.Version.CurrentStage == ModelStage.Production)
            {
                continue;
            }

            var requests = (await promotions.ListAsync(route.ModelName, null, cancellationToken)).Where(r => r.Version == version).ToList();
            if (requests.Any(r => r.State == PromotionStates.Approved))
            {
                continue;
            }

            var label = $"routes[{i}] ({route.ModelName} v{version})";
            if (!requests.Any(r => r.State == PromotionStates.Pending))
            {
                problems.Add($"{label} is neither the champion, in Production, nor the subject of an approved promotion request; open one first (POST /api/v1/models/{route.ModelName}/versions/{version}/promotions), and a canary or shadow may run while it is pending");
                continue;
            }

            if (route.Role == RouteRole.Weighted)
            {
                var share = totalWeight <= 0 ? 1.0 : (double)route.Weight / totalWeight;
                if (share > policy.CanaryShareMax + 1e-9)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{label} has a pending promotion request, so it may take at most {policy.CanaryShareMax:0.###} of the weighted traffic as a canary, not {share:0.###}"));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ConflictException("The deploy breaks the promotion policy of a governed model: " + string.Join("; ", problems) + ".");
        }
    }
}
