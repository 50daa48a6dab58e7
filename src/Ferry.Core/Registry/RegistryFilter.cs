using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ferry.Core.Errors;

namespace Ferry.Core.Registry;

/// <summary>What a registry search looks at.</summary>
public enum RegistrySearchTarget
{
    /// <summary>Registered models: <c>name</c> and tags.</summary>
    Models,

    /// <summary>Model versions: <c>name</c>, <c>run_id</c>, <c>source_path</c>, <c>version_number</c> and tags.</summary>
    Versions,
}

/// <summary>A comparison operator of the filter grammar.</summary>
public enum FilterOperator
{
    /// <summary><c>=</c>.</summary>
    Equal,

    /// <summary><c>!=</c> (also <c>&lt;&gt;</c>).</summary>
    NotEqual,

    /// <summary><c>LIKE</c>, case-sensitive, with <c>%</c> and <c>_</c>.</summary>
    Like,

    /// <summary><c>ILIKE</c>, case-insensitive.</summary>
    ILike,

    /// <summary><c>IN (...)</c>.</summary>
    In,

    /// <summary><c>NOT IN (...)</c>.</summary>
    NotIn,

    /// <summary><c>&gt;</c>.</summary>
    Greater,

    /// <summary><c>&gt;=</c>.</summary>
    GreaterOrEqual,

    /// <summary><c>&lt;</c>.</summary>
    Less,

    /// <summary><c>&lt;=</c>.</summary>
    LessOrEqual,
}

/// <summary>
/// A parsed registry filter (MLflow's grammar for <c>registered-models/search</c> and <c>model-versions/search</c>):
/// comparisons joined by <c>AND</c>. A missing tag matches <c>!=</c> and <c>NOT IN</c> and nothing else, so the
/// prompt-exclusion clause newer clients append (<c>tag.`mlflow.prompt.is_prompt` != 'true'</c>) keeps untagged models.
/// </summary>
public sealed class RegistryFilter
{
    private RegistryFilter(IReadOnlyList<FilterCondition> conditions) => Conditions = conditions;

    /// <summary>The conditions, all of which must hold.</summary>
    public IReadOnlyList<FilterCondition> Conditions { get; }

    /// <summary>Parses <paramref name="text"/>; null or blank matches everything.</summary>
    /// <exception cref="ValidationException">The syntax, attribute, operator or value is not accepted (field <c>filter</c>).</exception>
    public static RegistryFilter Parse(string? text, RegistrySearchTarget target)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new RegistryFilter([]);
        }

        return new RegistryFilter(new FilterParser(text, target).ParseAll());
    }

    /// <summary>True when every condition holds, reading values through <paramref name="valueOf"/> (null when absent).</summary>
    public bool Matches(Func<FilterCondition, string?> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        return Conditions.All(c => c.Matches(valueOf(c)));
    }
}

/// <summary>One comparison: an attribute (or a tag) compared with one or more values.</summary>
public sealed class FilterCondition
{
    private readonly Regex? _pattern;

    internal FilterCondition(string attribute, string? tagKey, FilterOperator op, IReadOnlyList<string> values)
    {
        Attribute = attribute;
        TagKey = tagKey;
        Operator = op;
        Values = values;
        if (op is FilterOperator.Like or FilterOperator.ILike)
        {
            _pattern = LikeToRegex(values[0], op == FilterOperator.ILike);
        }
    }

    /// <summary>Attribute name (<c>name</c>, <c>run_id</c>, <c>source_path</c>, <c>version_number</c>) or <c>tag</c>.</summary>
    public string Attribute { get; }

    /// <summary>The tag key when <see cref="Attribute"/> is <c>tag</c>.</summary>
    public string? TagKey { get; }

    /// <summary>The operator.</summary>
    public FilterOperator Operator { get; }

    /// <summary>The value(s) compared with (one, except for IN lists).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>True when the condition compares numbers.</summary>
    public bool IsNumeric => Attribute == RegistryAttributes.VersionNumber;

    /// <summary>Evaluates the condition against an entity's value (null when the entity lacks it).</summary>
    public bool Matches(string? value)
    {
        if (value is null)
        {
            return Operator is FilterOperator.NotEqual or FilterOperator.NotIn;
        }

        if (IsNumeric)
        {
            var actual = long.Parse(value, CultureInfo.InvariantCulture);
            var expected = Values.Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();
            return Operator switch
            {
                FilterOperator.Equal => actual == expected[0],
                FilterOperator.NotEqual => actual != expected[0],
                FilterOperator.Greater => actual > expected[0],
                FilterOperator.GreaterOrEqual => actual >= expected[0],
                FilterOperator.Less => actual < expected[0],
                FilterOperator.LessOrEqual => actual <= expected[0],
                FilterOperator.In => expected.Contains(actual),
                FilterOperator.NotIn => !expected.Contains(actual),
                _ => false,
            };
        }

        return Operator switch
        {
            FilterOperator.Equal => string.Equals(value, Values[0], StringComparison.Ordinal),
            FilterOperator.NotEqual => !string.Equals(value, Values[0], StringComparison.Ordinal),
            FilterOperator.Like or FilterOperator.ILike => _pattern!.IsMatch(value),
            FilterOperator.In => Values.Contains(value, StringComparer.Ordinal),
            FilterOperator.NotIn => !Values.Contains(value, StringComparer.Ordinal),
            _ => false,
        };
    }

    private static Regex LikeToRegex(string pattern, bool ignoreCase)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
        {
            regex.Append(c switch
            {
                '%' => ".*",
                '_' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        regex.Append('$');
        var options = RegexOptions.Singleline | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        return new Regex(regex.ToString(), options, TimeSpan.FromSeconds(1));
    }
}

/// <summary>The attribute names of registry filters and orderings.</summary>
public static class RegistryAttributes
{
    /// <summary>The model's name.</summary>
    public const string Name = "name";

    /// <summary>A version's run id.</summary>
    public const string RunId = "run_id";

    /// <summary>A version's source URI.</summary>
    public const string SourcePath = "source_path";

    /// <summary>A version's number.</summary>
    public const string VersionNumber = "version_number";

    /// <summary>A tag (the key is on the condition).</summary>
    public const string Tag = "tag";
}
