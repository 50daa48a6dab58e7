using System.Globalization;

namespace Ferry.Core.Tracking.Search;

/// <summary>
/// Parses MLflow search filters (comparisons joined by <c>AND</c>) and <c>order_by</c> items against a
/// <see cref="SearchGrammar"/>. Every problem raises <see cref="TrackingRequestException"/> naming it.
/// </summary>
public static class SearchParser
{
    private static readonly HashSet<string> DatasetKeys = new(StringComparer.Ordinal) { "name", "digest", "context" };

    /// <summary>Parses a filter; null or blank means "match everything" (an empty list).</summary>
    public static IReadOnlyList<SearchComparison> ParseFilter(string? filter, SearchGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        if (string.IsNullOrWhiteSpace(filter))
        {
            return [];
        }

        var tokens = SearchTokenizer.Tokenize(filter);
        var comparisons = new List<SearchComparison>();
        var i = 0;
        while (true)
        {
            comparisons.Add(ParseComparison(tokens, ref i, grammar));
            if (i >= tokens.Count)
            {
                return comparisons;
            }

            var joiner = tokens[i];
            if (joiner.Kind == SearchTokenKind.Word && joiner.Text.Equals("AND", StringComparison.OrdinalIgnoreCase))
            {
                i++;
                continue;
            }

            throw joiner.Kind == SearchTokenKind.Word && joiner.Text.Equals("OR", StringComparison.OrdinalIgnoreCase)
                ? SearchTokenizer.Error("OR is not supported; join comparisons with AND")
                : SearchTokenizer.Error($"expected AND at position {joiner.Position}, found '{joiner.Text}'");
        }
    }

    /// <summary>Parses one <c>order_by</c> item: <c>identifier [ASC|DESC]</c>.</summary>
    public static SearchOrder ParseOrderBy(string clause, SearchGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        if (string.IsNullOrWhiteSpace(clause))
        {
            throw SearchTokenizer.Error("an order_by item is empty");
        }

        var tokens = SearchTokenizer.Tokenize(clause);
        var i = 0;
        var identifier = ParseIdentifier(tokens, ref i, grammar, forSorting: true);
        if (identifier.Type == SearchEntityType.Dataset)
        {
            throw SearchTokenizer.Error("cannot order by datasets");
        }

        var descending = false;
        if (i < tokens.Count && tokens[i].Kind == SearchTokenKind.Word)
        {
            var direction = tokens[i].Text.ToUpperInvariant();
            descending = direction switch
            {
                "DESC" => true,
                "ASC" => false,
                _ => throw SearchTokenizer.Error($"invalid order_by direction '{tokens[i].Text}' (use ASC or DESC)"),
            };
            i++;
        }

        return i == tokens.Count ? new SearchOrder(identifier, descending) : throw SearchTokenizer.Error($"invalid order_by clause '{clause}'");
    }

    private static SearchComparison ParseComparison(List<SearchToken> tokens, ref int i, SearchGrammar grammar)
    {
        var identifier = ParseIdentifier(tokens, ref i, grammar, forSorting: false);
        var op = ParseOperator(tokens, ref i);
        var kind = KindOf(identifier, grammar);
        CheckOperator(identifier, op, kind);
        if (op is SearchOperator.In or SearchOperator.NotIn)
        {
            return new SearchComparison(identifier, op, List: ParseList(tokens, ref i));
        }

        var value = Next(tokens, ref i, "a value");
        if (kind == ValueKind.Number)
        {
            return value.Kind == SearchTokenKind.Number
                ? new SearchComparison(identifier, op, Number: double.Parse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture))
                : throw SearchTokenizer.Error($"expected a number for {Describe(identifier)}, found '{value.Text}'");
        }

        return value.Kind == SearchTokenKind.String
            ? new SearchComparison(identifier, op, Text: value.Text)
            : throw SearchTokenizer.Error($"expected a quoted string for {Describe(identifier)}, found '{value.Text}'");
    }

    private static SearchIdentifier ParseIdentifier(List<SearchToken> tokens, ref int i, SearchGrammar grammar, bool forSorting)
    {
        var token = Next(tokens, ref i, "an identifier");
        string? prefix;
        string key;
        switch (token.Kind)
        {
            case SearchTokenKind.Identifier:
                (prefix, key) = (token.Prefix, token.Text);
                break;
            case SearchTokenKind.String:
                (prefix, key) = (null, token.Text);
                break;
            case SearchTokenKind.Word:
                var dot = token.Text.IndexOf('.', StringComparison.Ordinal);
                (prefix, key) = dot < 0 ? (null, token.Text) : (token.Text[..dot], token.Text[(dot + 1)..]);
                break;
            default:
                throw SearchTokenizer.Error($"expected an identifier at position {token.Position}, found '{token.Text}'");
        }

        var type = SearchEntityType.Attribute;
        if (prefix is not null)
        {
            type = grammar.TypeOfPrefix(prefix)
                ?? throw SearchTokenizer.Error($"invalid entity type '{prefix}' in '{prefix}.{key}' for {grammar.Entity} search");
        }

        if (key.Length == 0)
        {
            throw SearchTokenizer.Error($"missing key after '{prefix}.'");
        }

        if (type == SearchEntityType.Attribute)
        {
            key = grammar.CanonicalAttribute(key, forSorting)
                ?? throw SearchTokenizer.Error($"invalid attribute key '{key}' for {grammar.Entity} search");
        }
        else if (type == SearchEntityType.Dataset && !DatasetKeys.Contains(key))
        {
            throw SearchTokenizer.Error($"invalid dataset key '{key}' (use name, digest or context)");
        }

        return new SearchIdentifier(type, key);
    }

    private static SearchOperator ParseOperator(List<SearchToken> tokens, ref int i)
    {
        var token = Next(tokens, ref i, "a comparator");
        if (token.Kind == SearchTokenKind.Operator)
        {
            return token.Text switch
            {
                "=" => SearchOperator.Equal,
                "!=" => SearchOperator.NotEqual,
                ">" => SearchOperator.Greater,
                ">=" => SearchOperator.GreaterOrEqual,
                "<" => SearchOperator.Less,
                _ => SearchOperator.LessOrEqual,
            };
        }

        if (token.Kind == SearchTokenKind.Word)
        {
            switch (token.Text.ToUpperInvariant())
            {
                case "LIKE":
                    return SearchOperator.Like;
                case "ILIKE":
                    return SearchOperator.ILike;
                case "IN":
                    return SearchOperator.In;
                case "NOT" when i < tokens.Count && tokens[i].Kind == SearchTokenKind.Word && tokens[i].Text.Equals("IN", StringComparison.OrdinalIgnoreCase):
                    i++;
                    return SearchOperator.NotIn;
            }
        }

        throw SearchTokenizer.Error($"invalid comparator '{token.Text}' at position {token.Position}");
    }

    private static List<string> ParseList(List<SearchToken> tokens, ref int i)
    {
        if (Next(tokens, ref i, "'('").Kind != SearchTokenKind.OpenParen)
        {
            throw SearchTokenizer.Error("IN and NOT IN need a parenthesised list of quoted strings");
        }

        var values = new List<string>();
        while (true)
        {
            var value = Next(tokens, ref i, "a quoted string");
            if (value.Kind != SearchTokenKind.String)
            {
                throw SearchTokenizer.Error($"IN lists hold quoted strings, found '{value.Text}'");
            }

            values.Add(value.Text);
            var separator = Next(tokens, ref i, "',' or ')'");
            if (separator.Kind == SearchTokenKind.CloseParen)
            {
                return values;
            }

            if (separator.Kind != SearchTokenKind.Comma)
            {
                throw SearchTokenizer.Error($"expected ',' or ')' at position {separator.Position}");
            }
        }
    }

    private static void CheckOperator(SearchIdentifier identifier, SearchOperator op, ValueKind kind)
    {
        var allowed = (identifier.Type, kind) switch
        {
            (SearchEntityType.Dataset, _) => op is SearchOperator.Equal or SearchOperator.NotEqual or SearchOperator.Like or SearchOperator.ILike or SearchOperator.In or SearchOperator.NotIn,
            (_, ValueKind.Number) => op is not (SearchOperator.Like or SearchOperator.ILike or SearchOperator.In or SearchOperator.NotIn),
            (SearchEntityType.Attribute, _) when identifier.Key == RunAttributes.RunId => op is SearchOperator.Equal or SearchOperator.NotEqual or SearchOperator.Like or SearchOperator.ILike or SearchOperator.In or SearchOperator.NotIn,
            _ => op is SearchOperator.Equal or SearchOperator.NotEqual or SearchOperator.Like or SearchOperator.ILike,
        };
        if (!allowed)
        {
            throw SearchTokenizer.Error($"comparator {Name(op)} is not supported for {Describe(identifier)}");
        }
    }

    private static ValueKind KindOf(SearchIdentifier identifier, SearchGrammar grammar) => identifier.Type switch
    {
        SearchEntityType.Metric => ValueKind.Number,
        SearchEntityType.Attribute when grammar.NumericAttributes.Contains(identifier.Key) => ValueKind.Number,
        _ => ValueKind.String,
    };

    private static SearchToken Next(List<SearchToken> tokens, ref int i, string expected) =>
        i < tokens.Count ? tokens[i++] : throw SearchTokenizer.Error($"expected {expected} at the end");

    private static string Describe(SearchIdentifier identifier) => identifier.Type switch
    {
        SearchEntityType.Metric => $"metric '{identifier.Key}'",
        SearchEntityType.Param => $"param '{identifier.Key}'",
        SearchEntityType.Tag => $"tag '{identifier.Key}'",
        SearchEntityType.Dataset => $"dataset {identifier.Key}",
        _ => $"attribute '{identifier.Key}'",
    };

    private static string Name(SearchOperator op) => op switch
    {
        SearchOperator.Equal => "=",
        SearchOperator.NotEqual => "!=",
        SearchOperator.Greater => ">",
        SearchOperator.GreaterOrEqual => ">=",
        SearchOperator.Less => "<",
        SearchOperator.LessOrEqual => "<=",
        SearchOperator.Like => "LIKE",
        SearchOperator.ILike => "ILIKE",
        SearchOperator.In => "IN",
        _ => "NOT IN",
    };

    private enum ValueKind
    {
        String,
        Number,
    }
}
