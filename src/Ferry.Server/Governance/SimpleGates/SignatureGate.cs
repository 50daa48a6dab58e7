using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Core.Signatures;

namespace Ferry.Server.Governance.SimpleGates;

/// <summary>
/// <c>signature</c>: every endpoint whose weighted routes follow the target alias must accept the candidate, by the rule
/// deploys use: the candidate has every input the endpoint's current versions take (same name and element type) and
/// requires none beyond them. One check per endpoint; a stage move or an alias no endpoint follows passes with nothing to check.
/// </summary>
public sealed class SignatureGate(IRegistryStore registry, IEndpointStore endpoints) : IPromotionGate
{
    /// <inheritdoc />
    public string Name => "signature";

    /// <inheritdoc />
    public async Task EvaluateAsync(GateContext context, GateEvidence evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(evidence);
        if (!context.Settings.RequireSignatureCompatible)
        {
            return;
        }

        if (context.TargetAlias is not { } alias)
        {
            evidence.Results.Add(new GateResult(Name, "compatible with endpoints", GateVerdict.NotApplicable, null, null, "A stage move: no endpoint follows a stage."));
            return;
        }

        var candidate = await registry.GetVersionAsync(context.ModelName, context.Version, cancellationToken);
        var signature = Read(candidate.Version.SignatureJson);
        var followed = 0;
        foreach (var endpoint in await endpoints.ListAsync(cancellationToken))
        {
            var resolved = await endpoints.ResolveAsync(endpoint.Name, cancellationToken);
            if (resolved is null || !resolved.Routes.Any(r => r.Role == RouteRole.Weighted && r.ModelName == context.ModelName && r.Alias == alias))
            {
                continue;
            }

            followed++;
            var accepted = new Dictionary<string, TensorSpec>(StringComparer.Ordinal);
            foreach (var route in resolved.Routes.Where(r => r.Role == RouteRole.Weighted).DistinctBy(r => (r.ModelName, r.Version)))
            {
                var serving = await registry.GetVersionAsync(route.ModelName, route.Version, cancellationToken);
                foreach (var input in Read(serving.Version.SignatureJson)?.Inputs ?? [])
                {
                    accepted.TryAdd(input.Name, input);
                }
            }

            var problems = Problems(signature, accepted);
            evidence.Results.Add(new GateResult(Name, $"accepted by endpoint '{endpoint.Name}'",
                problems.Count == 0 ? GateVerdict.Pass : GateVerdict.Fail, problems.Count, 0,
                problems.Count == 0
                    ? $"Version {context.Version} takes every input endpoint '{endpoint.Name}' accepts and needs no other."
                    : string.Join("; ", problems)));
        }

        if (followed == 0)
        {
            evidence.Results.Add(new GateResult(Name, "compatible with endpoints", GateVerdict.Pass, 0, null, $"No endpoint follows the '{alias}' alias yet."));
        }
    }

    private static List<string> Problems(ModelSignature? candidate, Dictionary<string, TensorSpec> accepted)
    {
        if (accepted.Count == 0)
        {
            return [];
        }

        if (candidate is null)
        {
            return ["the candidate has no readable signature"];
        }

        var problems = new List<string>();
        var inputs = candidate.Inputs.GroupBy(i => i.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (name, spec) in accepted.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!inputs.TryGetValue(name, out var other))
            {
                problems.Add($"input '{name}' ({spec.ElementType}) is missing");
            }
            else if (!string.Equals(other.ElementType, spec.ElementType, StringComparison.Ordinal))
            {
                problems.Add($"input '{name}' is {other.ElementType}, the endpoint takes {spec.ElementType}");
            }
        }

        problems.AddRange(candidate.Inputs.Where(i => !i.Optional && !accepted.ContainsKey(i.Name))
            .Select(i => $"input '{i.Name}' is required but the endpoint's callers do not send it"));
        return problems;
    }

    private static ModelSignature? Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return ModelSignature.FromJson(json);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
