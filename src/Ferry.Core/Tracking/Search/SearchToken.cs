namespace Ferry.Core.Tracking.Search;

/// <summary>Kinds of lexical tokens in a search expression.</summary>
internal enum SearchTokenKind
{
    Word,
    Identifier,
    String,
    Number,
    Operator,
    OpenParen,
    CloseParen,
    Comma,
}

/// <summary>
/// A lexical token. For <see cref="SearchTokenKind.Identifier"/> (a quoted key such as <c>tags.`a b`</c> or
/// <c>`run name`</c>), <see cref="Prefix"/> holds the part before the dot, if any.
/// </summary>
internal sealed record SearchToken(SearchTokenKind Kind, string Text, int Position, string? Prefix = null);
