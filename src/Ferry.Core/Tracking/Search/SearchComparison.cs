namespace Ferry.Core.Tracking.Search;

/// <summary>The comparators of MLflow's search grammar.</summary>
public enum SearchOperator
{
    /// <summary><c>=</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>&gt;</c></summary>
    Greater,

    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,

    /// <summary><c>&lt;</c></summary>
    Less,

    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,

    /// <summary><c>LIKE</c> (case-sensitive, SQL wildcards).</summary>
    Like,

    /// <summary><c>ILIKE</c> (case-insensitive).</summary>
    ILike,

    /// <summary><c>IN (...)</c></summary>
    In,

    /// <summary><c>NOT IN (...)</c></summary>
    NotIn,
}

/// <summary>One comparison of a filter: <c>identifier operator value</c>. Exactly one of the value members is set.</summary>
/// <param name="Identifier">The left side.</param>
/// <param name="Operator">The comparator.</param>
/// <param name="Text">A string value.</param>
/// <param name="Number">A numeric value.</param>
/// <param name="List">The values of an <c>IN</c> list.</param>
public sealed record SearchComparison(
    SearchIdentifier Identifier,
    SearchOperator Operator,
    string? Text = null,
    double? Number = null,
    IReadOnlyList<string>? List = null);

/// <summary>One <c>order_by</c> item.</summary>
/// <param name="Identifier">What to sort by.</param>
/// <param name="Descending">True for <c>DESC</c>.</param>
public sealed record SearchOrder(SearchIdentifier Identifier, bool Descending);
