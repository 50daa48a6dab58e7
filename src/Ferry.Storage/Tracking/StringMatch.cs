using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Ferry.Core.Tracking.Search;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Tracking;

/// <summary>
/// String comparisons of MLflow's search grammar. <c>LIKE</c> must be case-sensitive: PostgreSQL's LIKE is, but
/// SQLite's is not for ASCII, so on SQLite the pattern is rewritten to an equivalent <c>GLOB</c> (case-sensitive).
/// <c>ILIKE</c> compares lower-cased text with LIKE on both databases.
/// </summary>
internal static class StringMatch
{
    private static readonly MethodInfo? SqliteGlob = Type
        .GetType("Microsoft.EntityFrameworkCore.SqliteDbFunctionsExtensions, Microsoft.EntityFrameworkCore.Sqlite")
        ?.GetMethod("Glob", [typeof(DbFunctions), typeof(string), typeof(string)]);

    /// <summary>A predicate over a string for <paramref name="op"/> (=, !=, LIKE, ILIKE) and <paramref name="value"/>.</summary>
    public static Expression<Func<string, bool>> For(SearchOperator op, string value, bool sqlite)
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
            case SearchOperator.Like when sqlite:
                return Glob(LikeToGlob(value));
            case SearchOperator.Like:
                return s => EF.Functions.Like(s, value);
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "not a string comparator");
        }
    }

    /// <summary>Rewrites a LIKE pattern (<c>%</c>, <c>_</c>) as a GLOB pattern matching the same strings.</summary>
    public static string LikeToGlob(string like)
    {
        ArgumentNullException.ThrowIfNull(like);
        var glob = new StringBuilder(like.Length + 8);
        foreach (var c in like)
        {
            glob.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }

        return glob.ToString();
    }

    private static Expression<Func<string, bool>> Glob(string pattern)
    {
        var method = SqliteGlob ?? throw new InvalidOperationException("The SQLite provider's GLOB function is not available.");
        var s = Expression.Parameter(typeof(string), "s");
        var patternParameter = Expression.Field(Expression.Constant(new StrongBox<string>(pattern)), nameof(StrongBox<string>.Value));
        var call = Expression.Call(method, Expression.Constant(EF.Functions), s, patternParameter);
        return Expression.Lambda<Func<string, bool>>(call, s);
    }
}
