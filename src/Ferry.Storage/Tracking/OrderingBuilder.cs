using System.Linq.Expressions;

namespace Ferry.Storage.Tracking;

/// <summary>Chains sort keys: the first becomes <c>OrderBy</c>, later ones <c>ThenBy</c>.</summary>
internal sealed class OrderingBuilder<T>(IQueryable<T> source)
{
    private IQueryable<T> _query = source;
    private bool _ordered;

    /// <summary>The ordered query.</summary>
    public IQueryable<T> Query => _query;

    /// <summary>Adds a sort key.</summary>
    public OrderingBuilder<T> By<TKey>(Expression<Func<T, TKey>> key, bool descending)
    {
        _query = (_ordered, descending) switch
        {
            (false, false) => _query.OrderBy(key),
            (false, true) => _query.OrderByDescending(key),
            (true, false) => ((IOrderedQueryable<T>)_query).ThenBy(key),
            (true, true) => ((IOrderedQueryable<T>)_query).ThenByDescending(key),
        };
        _ordered = true;
        return this;
    }
}
