using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using Ferry.Core.Errors;

namespace Ferry.Server.Pipelines.Datasets;

/// <summary>
/// What to materialise: the endpoint's prediction log rows served in [<see cref="From"/>, <see cref="To"/>) joined with
/// the ground truth received at or before <see cref="AsOf"/> (and within <see cref="LabelDelayMaxMs"/> of its
/// prediction). Times are epoch ms.
/// </summary>
public sealed record DatasetBuildSpec
{
    /// <summary>The endpoint.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Start of the window (inclusive).</summary>
    public required long From { get; init; }

    /// <summary>End of the window (exclusive).</summary>
    public required long To { get; init; }

    /// <summary>The point in time of the label join; null = now.</summary>
    public long? AsOf { get; init; }

    /// <summary>Only labels received within this many ms of their prediction; null = no limit.</summary>
    public long? LabelDelayMaxMs { get; init; }

    /// <summary>Append the answering versions' reference rows.</summary>
    public bool WithReference { get; init; }

    /// <summary>The most recent share of labelled rows held out, in [0, 1).</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Keep only labelled rows in the training file.</summary>
    public bool LabelledOnly { get; init; }

    /// <summary>The name; null = <c>{endpoint}-{yyyyMMdd-HHmm}</c> of <see cref="To"/>, made unique.</summary>
    public string? Name { get; init; }

    /// <summary>What asked for it (a pipeline run), recorded in the query; null for a user's build.</summary>
    public string? For { get; init; }
}

/// <summary>Parses label delays and checks dataset names.</summary>
public static partial class DatasetInputs
{
    /// <summary>Reads an ISO-8601 duration (<c>P90D</c>, <c>PT12H</c>) or a short one (<c>90d</c>, <c>12h</c>, <c>30m</c>, <c>45s</c>, <c>2w</c>) as ms.</summary>
    /// <exception cref="ValidationException">Neither, or not positive.</exception>
    public static long ParseDurationMs(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        TimeSpan span;
        var short_ = ShortDuration().Match(trimmed);
        if (short_.Success)
        {
            var n = double.Parse(short_.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            span = char.ToLowerInvariant(short_.Groups[2].Value[0]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => TimeSpan.FromDays(7 * n),
            };
        }
        else
        {
            try
            {
                span = trimmed.StartsWith('P') ? XmlConvert.ToTimeSpan(trimmed) : throw new FormatException();
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new ValidationException(field, $"'{text}' is not a duration: use ISO 8601 (P90D, PT12H) or 90d, 12h, 30m");
            }
        }

        return span > TimeSpan.Zero
            ? (long)span.TotalMilliseconds
            : throw new ValidationException(field, "must be a positive duration");
    }

    /// <summary>Throws unless <paramref name="name"/> is 1 to 128 letters, digits, <c>.</c>, <c>_</c> or <c>-</c>, starting with a letter or digit.</summary>
    public static void CheckName(string name, string field = "name")
    {
        if (!Name().IsMatch(name))
        {
            throw new ValidationException(field, "must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([smhdwSMHDW])$")]
    private static partial Regex ShortDuration();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex Name();
}
