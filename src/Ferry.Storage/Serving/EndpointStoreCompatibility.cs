using Ferry.Core.Signatures;

namespace Ferry.Storage.Serving;

/// <summary>
/// Whether a new policy's versions accept what the endpoint accepts now. The rule, in full:
/// <list type="number">
/// <item>What the endpoint accepts now is the union of the signature inputs of the versions its active policy's
/// weighted routes resolve to (aliases resolved at deploy time); a version without a readable signature adds nothing.</item>
/// <item>Each version a weighted route of the new policy resolves to, unless it already answers on the endpoint, must
/// (a) have every one of those inputs, under the same name, with the same element type, and, where both sides fix the
/// number of values per row, the same number; and (b) need no input beyond them (an input it marks optional is fine).</item>
/// <item>A new version whose signature is unknown cannot be shown to be compatible, so it is refused too.</item>
/// </list>
/// Shadows never answer callers, so they are not checked. A first deploy has nothing to be compatible with.
/// <c>force</c> skips the check; moving an alias an endpoint follows is a registry change and is not checked here.
/// </summary>
internal static class EndpointStoreCompatibility
{
    /// <summary>Problems per new target (keyed by its index in <paramref name="incoming"/>), each starting "incompatible:".</summary>
    public static Dictionary<int, List<string>> Check(IReadOnlyList<RouteTarget> current, IReadOnlyList<RouteTarget> incoming)
    {
        var problems = new Dictionary<int, List<string>>();
        if (current.Count == 0)
        {
            return problems;
        }

        var accepted = new Dictionary<string, (TensorSpec Spec, string From)>(StringComparer.Ordinal);
        foreach (var target in current)
        {
            foreach (var input in Signature(target)?.Inputs ?? [])
            {
                accepted.TryAdd(input.Name, (input, Label(target)));
            }
        }

        var answering = current.Select(t => t.Version.Id).ToHashSet();
        for (var i = 0; i < incoming.Count; i++)
        {
            var target = incoming[i];
            if (answering.Contains(target.Version.Id))
            {
                continue;
            }

            var found = Problems(target, accepted);
            if (found.Count > 0)
            {
                problems[i] = found;
            }
        }

        return problems;
    }

    private static List<string> Problems(RouteTarget target, Dictionary<string, (TensorSpec Spec, string From)> accepted)
    {
        var label = Label(target);
        var signature = Signature(target);
        if (signature is null)
        {
            return [$"incompatible: {label} has no readable signature, so Ferry cannot tell whether it accepts the inputs the endpoint takes ({string.Join(", ", accepted.Keys.Order(StringComparer.Ordinal))})"];
        }

        var problems = new List<string>();
        var inputs = signature.Inputs.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (name, (spec, from)) in accepted.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!inputs.TryGetValue(name, out var other))
            {
                problems.Add($"incompatible: input '{name}' ({spec.ElementType}), which the endpoint accepts through {from}, is not an input of {label}");
            }
            else if (!string.Equals(other.ElementType, spec.ElementType, StringComparison.Ordinal))
            {
                problems.Add($"incompatible: input '{name}' is {spec.ElementType} on the endpoint ({from}) but {other.ElementType} in {label}");
            }
            else if (!SameFixedDimensions(spec.Shape, other.Shape))
            {
                problems.Add($"incompatible: input '{name}' has shape [{string.Join(',', spec.Shape)}] on the endpoint ({from}) but [{string.Join(',', other.Shape)}] in {label}");
            }
        }

        foreach (var input in signature.Inputs.Where(s => !s.Optional && !accepted.ContainsKey(s.Name)))
        {
            problems.Add($"incompatible: {label} requires input '{input.Name}' ({input.ElementType}), which the endpoint's current versions do not take");
        }

        return problems;
    }

    /// <summary>
    /// True unless both shapes fix the number of values per row (the product of the non-batch dimensions) and the
    /// numbers differ: <c>[-1]</c> and <c>[-1,1]</c> both take one value per row, <c>[-1,4]</c> takes four.
    /// </summary>
    private static bool SameFixedDimensions(IReadOnlyList<int> a, IReadOnlyList<int> b) =>
        PerRow(a) is not { } x || PerRow(b) is not { } y || x == y;

    private static long? PerRow(IReadOnlyList<int> shape)
    {
        if (shape.Count == 0)
        {
            return null;
        }

        long size = 1;
        for (var d = 1; d < shape.Count; d++)
        {
            if (shape[d] < 0)
            {
                return null;
            }

            size *= shape[d];
        }

        return size;
    }

    private static ModelSignature? Signature(RouteTarget target)
    {
        if (string.IsNullOrWhiteSpace(target.Version.SignatureJson))
        {
            return null;
        }

        try
        {
            return ModelSignature.FromJson(target.Version.SignatureJson);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Label(RouteTarget target) => $"{target.ModelName}:{target.Version.Version}";
}
