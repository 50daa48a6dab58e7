using System.Globalization;
using Ferry.Core.Errors;

namespace Ferry.Core.Registry;

/// <summary>A small recursive-descent parser for registry filters: <c>identifier op value (AND identifier op value)*</c>.</summary>
internal sealed class FilterParser(string text, RegistrySearchTarget target)
{
    private static readonly FilterOperator[] StringOperators = [FilterOperator.Equal, FilterOperator.NotEqual, FilterOperator.Like, FilterOperator.ILike];
    private static readonly FilterOperator[] NumericOperators =
        [FilterOperator.Equal, FilterOperator.NotEqual, FilterOperator.Greater, FilterOperator.GreaterOrEqual, FilterOperator.Less, FilterOperator.LessOrEqual, FilterOperator.In, FilterOperator.NotIn];

    private int _position;

    public List<FilterCondition> ParseAll()
    {
        var conditions = new List<FilterCondition> { ParseCondition() };
        SkipSpace();
        while (_position < text.Length)
        {
            var word = ReadWord();
            if (!string.Equals(word, "AND", StringComparison.OrdinalIgnoreCase))
            {
                throw Error($"expected AND at position {_position - (word?.Length ?? 0)}, found '{word ?? Rest()}' (only AND joins comparisons)");
            }

            conditions.Add(ParseCondition());
            SkipSpace();
        }

        return conditions;
    }

    private FilterCondition ParseCondition()
    {
        var (attribute, tagKey) = ParseIdentifier();
        var op = ParseOperator();
        var allowed = Allowed(attribute);
        if (!allowed.Contains(op))
        {
            throw Error($"operator {op} is not supported for '{(tagKey is null ? attribute : "tag." + tagKey)}'");
        }

        IReadOnlyList<string> values = op is FilterOperator.In or FilterOperator.NotIn ? ParseList() : [ParseValue()];
        if (attribute == RegistryAttributes.VersionNumber)
        {
            foreach (var value in values)
            {
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    throw Error($"version_number needs an integer, not '{value}'");
                }
            }
        }

        return new FilterCondition(attribute, tagKey, op, values);
    }

    private FilterOperator[] Allowed(string attribute) => attribute switch
    {
        RegistryAttributes.Tag => StringOperators,
        RegistryAttributes.Name when target == RegistrySearchTarget.Versions => [.. StringOperators, FilterOperator.In, FilterOperator.NotIn],
        RegistryAttributes.Name => StringOperators,
        RegistryAttributes.RunId => [FilterOperator.Equal, FilterOperator.NotEqual, FilterOperator.In, FilterOperator.NotIn],
        RegistryAttributes.SourcePath => StringOperators,
        RegistryAttributes.VersionNumber => NumericOperators,
        _ => [],
    };

    private (string Attribute, string? TagKey) ParseIdentifier()
    {
        SkipSpace();
        if (_position >= text.Length)
        {
            throw Error("expected a comparison, found the end of the filter");
        }

        string identifier;
        if (text[_position] is '`' or '"')
        {
            identifier = ReadQuoted();
        }
        else
        {
            identifier = ReadWord() ?? throw Error($"expected an attribute at position {_position}, found '{Rest()}'");
            if (identifier.EndsWith('.') && _position < text.Length && text[_position] is '`' or '"')
            {
                identifier += ReadQuoted();
            }
        }

        var dot = identifier.IndexOf('.', StringComparison.Ordinal);
        var prefix = dot < 0 ? null : identifier[..dot];
        var key = dot < 0 ? identifier : identifier[(dot + 1)..];
        if (prefix is not null && (prefix.Equals("tags", StringComparison.OrdinalIgnoreCase) || prefix.Equals("tag", StringComparison.OrdinalIgnoreCase)))
        {
            return key.Length == 0 ? throw Error("a tag comparison needs a key") : (RegistryAttributes.Tag, Unquote(key));
        }

        if (prefix is not null && !(prefix.Equals("attributes", StringComparison.OrdinalIgnoreCase)
            || prefix.Equals("attribute", StringComparison.OrdinalIgnoreCase) || prefix.Equals("attr", StringComparison.OrdinalIgnoreCase)))
        {
            throw Error($"'{identifier}' is not a known attribute");
        }

        var attribute = key.ToLowerInvariant();
        var known = target == RegistrySearchTarget.Models
            ? attribute == RegistryAttributes.Name
            : attribute is RegistryAttributes.Name or RegistryAttributes.RunId or RegistryAttributes.SourcePath or RegistryAttributes.VersionNumber;
        return known ? (attribute, null) : throw Error($"'{identifier}' is not a searchable attribute here");
    }

    private FilterOperator ParseOperator()
    {
        SkipSpace();
        if (_position >= text.Length)
        {
            throw Error("expected an operator, found the end of the filter");
        }

        foreach (var (symbol, op) in new[] { ("!=", FilterOperator.NotEqual), ("<>", FilterOperator.NotEqual), (">=", FilterOperator.GreaterOrEqual), ("<=", FilterOperator.LessOrEqual), ("=", FilterOperator.Equal), (">", FilterOperator.Greater), ("<", FilterOperator.Less) })
        {
            if (string.CompareOrdinal(text, _position, symbol, 0, symbol.Length) == 0)
            {
                _position += symbol.Length;
                return op;
            }
        }

        var word = ReadWord()?.ToUpperInvariant();
        switch (word)
        {
            case "LIKE":
                return FilterOperator.Like;
            case "ILIKE":
                return FilterOperator.ILike;
            case "IN":
                return FilterOperator.In;
            case "NOT":
                return string.Equals(ReadWord(), "IN", StringComparison.OrdinalIgnoreCase) ? FilterOperator.NotIn : throw Error("expected IN after NOT");
            default:
                throw Error($"'{word ?? Rest()}' is not an operator");
        }
    }

    private string ParseValue()
    {
        SkipSpace();
        if (_position >= text.Length)
        {
            throw Error("expected a value, found the end of the filter");
        }

        if (text[_position] is '\'' or '"')
        {
            return ReadQuoted();
        }

        var start = _position;
        while (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] is '-' or '+' or '.'))
        {
            _position++;
        }

        return _position > start ? text[start.._position] : throw Error($"expected a quoted string or a number, found '{Rest()}'");
    }

    private List<string> ParseList()
    {
        SkipSpace();
        Expect('(');
        var values = new List<string> { ParseValue() };
        SkipSpace();
        while (_position < text.Length && text[_position] == ',')
        {
            _position++;
            values.Add(ParseValue());
            SkipSpace();
        }

        Expect(')');
        return values;
    }

    private void Expect(char c)
    {
        if (_position >= text.Length || text[_position] != c)
        {
            throw Error($"expected '{c}' at position {_position}");
        }

        _position++;
    }

    private string? ReadWord()
    {
        SkipSpace();
        var start = _position;
        while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '.'))
        {
            _position++;
        }

        return _position > start ? text[start.._position] : null;
    }

    private string ReadQuoted()
    {
        var quote = text[_position];
        var end = text.IndexOf(quote, _position + 1);
        if (end < 0)
        {
            throw Error($"unterminated {quote} quote at position {_position}");
        }

        var value = text[(_position + 1)..end];
        _position = end + 1;
        return value;
    }

    private static string Unquote(string key) =>
        key.Length >= 2 && key[0] == key[^1] && key[0] is '`' or '"' ? key[1..^1] : key;

    private void SkipSpace()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position]))
        {
            _position++;
        }
    }

    private string Rest() => text[_position..];

    private ValidationException Error(string why) => new("filter", $"invalid filter '{text}': {why}");
}
