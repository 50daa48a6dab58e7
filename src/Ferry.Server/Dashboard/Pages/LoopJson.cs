using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>One metric of both versions with the interval of the difference (oriented so that positive is better).</summary>
internal sealed record LoopMetric(string Name, double? Champion, double? Challenger, double? Difference, double? Low, double? High, bool? HigherIsBetter);

/// <summary>A version's rates in one group (or its gaps across groups).</summary>
internal sealed record LoopRates(double? PositiveRate, double? Tpr, double? Fpr);

/// <summary>One group of the fairness attribute.</summary>
internal sealed record LoopFairnessGroup(string Group, long? Rows, LoopRates? Champion, LoopRates? Challenger);

/// <summary>The fairness comparison.</summary>
internal sealed record LoopFairness(string? Attribute, IReadOnlyList<LoopFairnessGroup> Groups, LoopRates? ChampionGap, LoopRates? ChallengerGap);

/// <summary>The prediction drift between the two versions' scores.</summary>
internal sealed record LoopDrift(double? JensenShannon, double? Ks, double? KsPValue);

/// <summary>The live shadow comparison.</summary>
internal sealed record LoopShadow(long? Requests, double? Agreement, long? Labelled, long? From, long? To, IReadOnlyList<LoopMetric> Metrics);

/// <summary>Both versions' ROC points and calibration bins.</summary>
internal sealed record LoopCurves(
    IReadOnlyList<(double Fpr, double Tpr)> ChampionRoc,
    IReadOnlyList<(double Fpr, double Tpr)> ChallengerRoc,
    IReadOnlyList<(double Mean, double Observed, long Count)> ChampionCalibration,
    IReadOnlyList<(double Mean, double Observed, long Count)> ChallengerCalibration);

/// <summary>One ramp guard's measurement against its limit.</summary>
internal sealed record LoopGuard(string Name, double? Value, double? Limit, bool? Passed);

/// <summary>The guards judged on one step.</summary>
internal sealed record LoopGuards(long? Rows, IReadOnlyList<LoopGuard> Guards);

/// <summary>
/// Reads the JSON the challenger evaluation and the ramp store (shapes in <c>docs/loop/dashboard.md</c>). Tolerant:
/// a field that is missing, of another type or not finite reads as null, malformed JSON as nothing at all.
/// </summary>
internal static class LoopJson
{
    /// <summary><c>{"metrics":[...]}</c> of <c>MetricsJson</c>.</summary>
    public static IReadOnlyList<LoopMetric> Metrics(string? json) => MetricsOf(Get(Parse(json), "metrics"));

    /// <summary><c>CurvesJson</c>.</summary>
    public static LoopCurves Curves(string? json)
    {
        var root = Parse(json);
        return new LoopCurves(
            Pairs(Get(Get(root, "roc"), "champion")),
            Pairs(Get(Get(root, "roc"), "challenger")),
            Bins(Get(Get(root, "calibration"), "champion")),
            Bins(Get(Get(root, "calibration"), "challenger")));
    }

    /// <summary><c>FairnessJson</c>, or null without groups.</summary>
    public static LoopFairness? Fairness(string? json)
    {
        var root = Parse(json);
        var groups = (Get(root, "groups") as JsonArray ?? new JsonArray())
            .OfType<JsonObject>()
            .Select(g => new LoopFairnessGroup(Text(g["group"]) ?? "–", Long(g["rows"]), Rates(g["champion"]), Rates(g["challenger"])))
            .ToList();
        return groups.Count == 0 ? null : new LoopFairness(Text(Get(root, "attribute")), groups, Rates(Get(Get(root, "gaps"), "champion")), Rates(Get(Get(root, "gaps"), "challenger")));
    }

    /// <summary><c>DriftJson</c>, or null when it holds none of its numbers.</summary>
    public static LoopDrift? Drift(string? json)
    {
        var root = Parse(json);
        var drift = new LoopDrift(Number(Get(root, "jensenShannon")), Number(Get(root, "ks")), Number(Get(root, "ksPValue")));
        return drift is { JensenShannon: null, Ks: null, KsPValue: null } ? null : drift;
    }

    /// <summary><c>ShadowJson</c>, or null before/without a shadow.</summary>
    public static LoopShadow? Shadow(string? json)
    {
        if (Parse(json) is not JsonObject root)
        {
            return null;
        }

        // The evaluation stage writes "answered" and one "metric" object; the published shape has "requests" and "metrics".
        var metrics = root["metrics"] ?? (root["metric"] is JsonObject one ? new JsonArray(one.DeepClone()) : null);
        return new LoopShadow(Long(root["requests"] ?? root["answered"]), Number(root["agreement"]), Long(root["labelled"]), Long(root["from"]), Long(root["to"]), MetricsOf(metrics));
    }

    /// <summary>A ramp event's <c>GuardsJson</c>, or null.</summary>
    public static LoopGuards? Guards(string? json)
    {
        if (Parse(json) is not JsonObject root || root["guards"] is not JsonArray guards)
        {
            return null;
        }

        return new LoopGuards(Long(root["rows"]), [.. guards.OfType<JsonObject>().Select(g => new LoopGuard(Text(g["name"]) ?? "–", Number(g["value"]), Number(g["limit"]), Bool(g["passed"])))]);
    }

    private static List<LoopMetric> MetricsOf(JsonNode? node) =>
        [.. (node as JsonArray ?? new JsonArray()).OfType<JsonObject>().Select(m => new LoopMetric(
            Text(m["name"] ?? m["metric"]) ?? "–", Number(m["champion"]), Number(m["challenger"]), Number(m["difference"]), Number(m["low"]), Number(m["high"]), Bool(m["higherIsBetter"])))];

    private static LoopRates? Rates(JsonNode? node) =>
        node is JsonObject o ? new LoopRates(Number(o["positiveRate"]), Number(o["tpr"]), Number(o["fpr"])) : null;

    private static List<(double, double)> Pairs(JsonNode? node) =>
        [.. (node as JsonArray ?? new JsonArray()).OfType<JsonArray>()
            .Where(p => p.Count >= 2 && Number(p[0]) is not null && Number(p[1]) is not null)
            .Select(p => (Number(p[0])!.Value, Number(p[1])!.Value))];

    private static List<(double, double, long)> Bins(JsonNode? node) =>
        [.. (node as JsonArray ?? new JsonArray()).OfType<JsonArray>()
            .Where(p => p.Count >= 3 && Number(p[0]) is not null && Number(p[1]) is not null && Long(p[2]) is not null)
            .Select(p => (Number(p[0])!.Value, Number(p[1])!.Value, Long(p[2])!.Value))];

    private static JsonNode? Get(JsonNode? node, string key) => node is JsonObject o ? o[key] : null;

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.GetValue<double>() is var d && double.IsFinite(d) ? d : null;

    private static long? Long(JsonNode? node) => Number(node) is { } d ? (long)Math.Round(d) : null;

    private static bool? Bool(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
