using System.Globalization;

namespace Ferry.Explain.Reasons;

/// <summary>
/// Turns an explanation grouped per source feature into adverse-action style reason codes: the top-k features whose
/// attributions pushed toward the adverse outcome, strongest first, each with a plain sentence comparing the row's
/// value with the typical one. Amounts are in the explanation's space (stated in <see cref="ReasonCode.Space"/>).
/// </summary>
public static class ReasonCodes
{
    /// <summary>Builds the reason codes.</summary>
    /// <param name="explanation">An explanation whose <see cref="Explanation.FeatureNames"/> are source features (see <see cref="FeatureGroups.Group"/>).</param>
    /// <param name="row">The row's values by source feature.</param>
    /// <param name="typical">Typical reference values by source feature (see <see cref="TypicalValues.FromRows"/>).</param>
    /// <param name="options">Direction, count and wording.</param>
    public static IReadOnlyList<ReasonCode> Build(
        Explanation explanation,
        IReadOnlyDictionary<string, object?> row,
        IReadOnlyDictionary<string, object?> typical,
        ReasonCodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(typical);
        options ??= new ReasonCodeOptions();
        var sign = options.Adverse == AdverseDirection.Positive ? 1 : -1;
        var format = options.FormatNumber ?? FormatNumber;
        var verb = options.Adverse == AdverseDirection.Positive ? "raises" : "lowers";
        return [.. explanation.Attributions
            .Select((value, index) => (Value: value, Index: index))
            .Where(a => sign * a.Value > 0)
            .OrderByDescending(a => sign * a.Value)
            .ThenBy(a => a.Index)
            .Take(Math.Max(0, options.Count))
            .Select((a, rank) =>
            {
                var feature = explanation.FeatureName(a.Index);
                var value = row.TryGetValue(feature, out var v) ? v : null;
                var usual = typical.TryGetValue(feature, out var t) ? t : null;
                var sentence = $"{Describe(feature, value, usual, format)}: {verb} {options.Outcome} by {format(Math.Abs(a.Value))}";
                return new ReasonCode(rank + 1, feature, value, usual, a.Value, explanation.Space, sentence);
            })];
    }

    /// <summary>The default number format: thousands grouped above 1,000, two decimals above 1, two significant digits below.</summary>
    public static string FormatNumber(double value)
    {
        var magnitude = Math.Abs(value);
        return magnitude switch
        {
            >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
            >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
            0 => "0",
            _ => value.ToString("G2", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The row's value of a feature against its typical value, as reason codes word it (e.g. "debt_to_income 1.4 is
    /// above the typical 0.32", "home_ownership 'RENT' (typical 'MORTGAGE')").
    /// </summary>
    public static string Describe(string feature, object? value, object? typical, Func<double, string>? format = null)
    {
        ArgumentNullException.ThrowIfNull(feature);
        format ??= FormatNumber;
        var number = Cells.AsNumber(value);
        var usualNumber = Cells.AsNumber(typical);
        if (value is null || (number is { } n && double.IsNaN(n)))
        {
            return typical is null ? $"{feature} is missing" : $"{feature} is missing (typical {Text(typical, usualNumber, format)})";
        }

        if (number is { } x)
        {
            if (usualNumber is not { } u || double.IsNaN(u))
            {
                return $"{feature} {format(x)}";
            }

            var comparison = x > u ? "is above" : x < u ? "is below" : "equals";
            return $"{feature} {format(x)} {comparison} the typical {format(u)}";
        }

        var category = Cells.ToCategory(value);
        var usualCategory = Cells.ToCategory(typical);
        if (usualCategory is null)
        {
            return $"{feature} '{category}'";
        }

        return string.Equals(category, usualCategory, StringComparison.Ordinal)
            ? $"{feature} '{category}' (the typical value)"
            : $"{feature} '{category}' (typical '{usualCategory}')";
    }

    private static string Text(object typical, double? number, Func<double, string> format) =>
        number is { } n ? format(n) : $"'{Cells.ToCategory(typical)}'";
}
