using Ferry.Core.Errors;

namespace Ferry.Server.Explain;

/// <summary>Reason-code settings from a request's query (<c>?reasons=&amp;outcome=&amp;method=&amp;samples=</c>), checked.</summary>
public static class ReasonQuery
{
    /// <summary>Most reason codes a request may ask for.</summary>
    public const int MaxReasons = 20;

    /// <summary>Most KernelSHAP coalition samples a request may ask for.</summary>
    public const int MaxKernelSamples = 16_384;

    /// <summary>Reason-code settings from the query.</summary>
    /// <exception cref="ValidationException">A value is out of range.</exception>
    public static ReasonSettings Settings(int? reasons, string? outcome, string? method = null, int? samples = null)
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
}
