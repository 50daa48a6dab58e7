using System.Text.RegularExpressions;

namespace Ferry.Core.Tracking;

/// <summary>MLflow's validation limits (reference defaults or above) and the checks that apply them.</summary>
public static partial class TrackingLimits
{
    /// <summary>Longest metric, param or tag key.</summary>
    public const int MaxKeyLength = 250;

    /// <summary>Longest param value.</summary>
    public const int MaxParamValueLength = 6000;

    /// <summary>Longest run tag value.</summary>
    public const int MaxRunTagValueLength = 8000;

    /// <summary>Longest experiment tag value.</summary>
    public const int MaxExperimentTagValueLength = 20000;

    /// <summary>Most metrics in one batch.</summary>
    public const int MaxBatchMetrics = 1000;

    /// <summary>Most params in one batch.</summary>
    public const int MaxBatchParams = 100;

    /// <summary>Most tags in one batch.</summary>
    public const int MaxBatchTags = 100;

    /// <summary>Most entries of all kinds in one batch.</summary>
    public const int MaxBatchTotal = 1000;

    /// <summary>Largest page a search returns.</summary>
    public const int MaxSearchResults = 50000;

    /// <summary>Default page size of a search.</summary>
    public const int DefaultSearchResults = 1000;

    /// <summary>Checks a metric, param or tag key.</summary>
    public static void CheckKey(string? key, string kind)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new TrackingRequestException($"Missing value for required parameter 'key' of a {kind}.");
        }

        if (key.Length > MaxKeyLength)
        {
            throw new TrackingRequestException($"{Capitalise(kind)} key '{key[..20]}...' had length {key.Length}, which exceeded length limit of {MaxKeyLength}.");
        }

        if (!KeyPattern().IsMatch(key) || key.StartsWith('/') || key.Split('/').Any(part => part == ".."))
        {
            throw new TrackingRequestException(
                $"Invalid {kind} name: '{key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/), and may not be or contain a '..' path segment or start with '/'.");
        }
    }

    /// <summary>Checks a value's length.</summary>
    public static void CheckValue(string key, string? value, int limit, string kind)
    {
        if (value is not null && value.Length > limit)
        {
            throw new TrackingRequestException($"{Capitalise(kind)} '{key}' had a value of length {value.Length}, which exceeded length limit of {limit}.");
        }
    }

    /// <summary>Checks the batch limits.</summary>
    public static void CheckBatch(RunBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Metrics.Count > MaxBatchMetrics || batch.Params.Count > MaxBatchParams || batch.Tags.Count > MaxBatchTags || batch.Count > MaxBatchTotal)
        {
            throw new TrackingRequestException(
                $"A batch logging request can contain at most {MaxBatchMetrics} metrics, {MaxBatchParams} params, {MaxBatchTags} tags and {MaxBatchTotal} entries in all; "
                + $"got {batch.Metrics.Count} metrics, {batch.Params.Count} params and {batch.Tags.Count} tags.");
        }
    }

    private static string Capitalise(string kind) => char.ToUpperInvariant(kind[0]) + kind[1..];

    [GeneratedRegex(@"^[/\w.\- ]*$")]
    private static partial Regex KeyPattern();
}
