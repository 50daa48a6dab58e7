using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Sqlite;

/// <summary>SQLite's dialect: its LIKE ignores ASCII case, so a case-sensitive LIKE becomes an equivalent GLOB.</summary>
public sealed class SqliteDialect : ISqlDialect
{
    /// <inheritdoc />
    public Expression<Func<string, bool>> CaseSensitiveLike(string pattern)
    {
        var glob = LikeToGlob(pattern);
        return s => EF.Functions.Glob(s, glob);
    }

    /// <summary>Rewrites a LIKE pattern (<c>%</c>, <c>_</c>) as a GLOB pattern matching exactly the same strings.</summary>
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
}
