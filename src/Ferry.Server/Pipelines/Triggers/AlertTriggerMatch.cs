namespace Ferry.Server.Pipelines.Triggers;

/// <summary>
/// Which alerts fire a pipeline: an alert's check key (<c>drift:income</c>) matches a pipeline's
/// <c>triggers.alerts</c> entry when the entry is the key itself or a leading run of its <c>:</c>-separated parts
/// (<c>drift</c>, <c>drift:income</c>; not <c>dri</c>). <c>cbpe</c> stands for the CBPE estimate's checks
/// (<c>estimated:&lt;metric&gt;</c>). Case is ignored.
/// </summary>
public static class AlertTriggerMatch
{
    /// <summary>The entry that names CBPE's estimated-performance checks.</summary>
    public const string Cbpe = "cbpe";

    /// <summary>The check-key prefix of CBPE's estimated-performance checks.</summary>
    public const string EstimatedPrefix = "estimated";

    /// <summary>The first entry of <paramref name="prefixes"/> that matches <paramref name="checkKey"/>, or null.</summary>
    public static string? FirstMatch(IEnumerable<string>? prefixes, string checkKey)
    {
        ArgumentNullException.ThrowIfNull(checkKey);
        return prefixes?.FirstOrDefault(p => Matches(p, checkKey));
    }

    /// <summary>True when <paramref name="prefix"/> selects alerts of <paramref name="checkKey"/>.</summary>
    public static bool Matches(string? prefix, string checkKey)
    {
        ArgumentNullException.ThrowIfNull(checkKey);
        var wanted = prefix?.Trim().TrimEnd(':');
        if (string.IsNullOrEmpty(wanted))
        {
            return false;
        }

        if (string.Equals(wanted, Cbpe, StringComparison.OrdinalIgnoreCase))
        {
            wanted = EstimatedPrefix;
        }

        return checkKey.Length == wanted.Length
            ? checkKey.Equals(wanted, StringComparison.OrdinalIgnoreCase)
            : checkKey.Length > wanted.Length && checkKey[wanted.Length] == ':' && checkKey.StartsWith(wanted, StringComparison.OrdinalIgnoreCase);
    }
}
