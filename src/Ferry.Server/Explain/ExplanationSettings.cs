using System.Globalization;
using Ferry.Core.Errors;
using Ferry.Core.Explain;

namespace Ferry.Server.Explain;

/// <summary>
/// The explanation settings a request may give, as on <c>POST /explain</c> and <c>predict?explain=true</c>:
/// <c>reasons</c> (how many reason codes, default 4), <c>outcome</c> (the word for what adverse features raise, default
/// "the score"), <c>method</c> (<c>interventional</c> instead of path-dependent TreeSHAP for tree models) and
/// <c>samples</c> (KernelSHAP's coalition samples per row); a bad one is a <see cref="ValidationException"/> naming it.
/// </summary>
public static class ExplanationSettings
{
    /// <summary>Most reason codes a request may ask for.</summary>
    public const int MaxReasons = 20;

    /// <summary>Most KernelSHAP coalition samples a request may ask for.</summary>
    public const int MaxKernelSamples = 16_384;

    /// <summary>Reason-code settings from the query.</summary>
    /// <exception cref="ValidationException">A setting is out of range or unknown.</exception>
    public static ReasonSettings Parse(int? reasons, string? outcome, string? method = null, int? samples = null)
    {
        if (samples is < 16 or > MaxKernelSamples)
        {
            throw new ValidationException("samples", $"must be from 16 to {MaxKernelSamples}");
        }

        var interventional = method?.ToLowerInvariant() switch
        {
            null or "" or "path-dependent" or "tree-path-dependent" => false,
            "interventional" or "tree-interventional" => true,
            _ => throw new ValidationException("method", "must be path-dependent (default) or interventional (tree models)"),
        };
        if (reasons is < 0 or > MaxReasons)
        {
            throw new ValidationException("reasons", $"must be from 0 to {MaxReasons}");
        }

        if (outcome is { Length: > 100 })
        {
            throw new ValidationException("outcome", "must be at most 100 characters");
        }

        return new ReasonSettings(reasons ?? 4, string.IsNullOrWhiteSpace(outcome) ? "the score" : outcome, interventional, samples);
    }

    /// <summary>
    /// The settings of <c>?explain=true</c> (<c>reasons</c>, <c>outcome</c>, <c>method</c>, <c>samples</c>), or null
    /// without it. Read by hand, not bound as parameters, so a request that asks for no explanation pays nothing for
    /// them; meant to be checked before anything is served, so a bad setting refuses the whole request.
    /// </summary>
    /// <exception cref="ValidationException">A setting is not a whole number, out of range or unknown.</exception>
    public static ReasonSettings? Requested(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!string.Equals(query["explain"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Parse(WholeNumber(query, "reasons"), query["outcome"].FirstOrDefault(), query["method"].FirstOrDefault(), WholeNumber(query, "samples"));
    }

    private static int? WholeNumber(IQueryCollection query, string name) =>
        query[name].FirstOrDefault() is not { Length: > 0 } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ValidationException(name, "must be a whole number");
}
