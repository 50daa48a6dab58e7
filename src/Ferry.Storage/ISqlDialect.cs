using System.Linq.Expressions;

namespace Ferry.Storage;

/// <summary>
/// The few SQL differences between providers that queries need, registered by each provider package
/// (so Ferry.Storage needs no provider reference).
/// </summary>
public interface ISqlDialect
{
    /// <summary>A case-sensitive SQL LIKE over a string (<c>%</c> and <c>_</c> wildcards), translated to SQL.</summary>
    Expression<Func<string, bool>> CaseSensitiveLike(string pattern);
}
