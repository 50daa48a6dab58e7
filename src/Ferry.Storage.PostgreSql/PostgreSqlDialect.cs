using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.PostgreSql;

/// <summary>PostgreSQL's dialect: its LIKE is already case-sensitive.</summary>
public sealed class PostgreSqlDialect : ISqlDialect
{
    /// <inheritdoc />
    public Expression<Func<string, bool>> CaseSensitiveLike(string pattern) => s => EF.Functions.Like(s, pattern);
}
