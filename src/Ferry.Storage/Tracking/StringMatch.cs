using System.Linq.Expressions;
using Ferry.Core.Tracking.Search;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Tracking;

/// <summary>
/// String comparisons of MLflow's search grammar. <c>LIKE</c> must be case-sensitive, which each provider's
/// <see cref="ISqlDialect"/> guarantees (SQLite rewrites it to <c>GLOB</c>); <c>ILIKE</c> compares lower-cased text
/// with LIKE on both databases.
/// </summary>
internal static class StringMatch
{
    /// <summary>A predicate over a string for <paramref name="op"/> (=, !=, LIKE, ILIKE) and <paramref name="value"/>.</summary>
    public static Expression<Func<string, bool>> For(SearchOperator op, string value, ISqlDialect dialect)
    {
        switch (op)
        {
            case SearchOperator.Equal:
                return s => s == value;
            case SearchOperator.NotEqual:
                return s => s != value;
            case SearchOperator.ILike:
                var lowered = value.ToLowerInvariant();
                return s => EF.Functions.Like(s.ToLower(), lowered);
            case SearchOperator.Like:
                return dialect.CaseSensitiveLike(value);
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "not a string comparator");
        }
    }
}
