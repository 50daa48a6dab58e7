using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Ferry.Core.Tracking.Search;

namespace Ferry.Storage.Tracking;

/// <summary>Builds predicates from a selector and a comparison, as expression trees EF Core translates to SQL.</summary>
internal static class ExpressionComposer
{
    /// <summary><c>x => predicate(selector(x))</c>.</summary>
    public static Expression<Func<TEntity, bool>> Compose<TEntity, TValue>(
        Expression<Func<TEntity, TValue>> selector,
        Expression<Func<TValue, bool>> predicate)
    {
        var body = new ParameterReplacer(predicate.Parameters[0], selector.Body).Visit(predicate.Body);
        return Expression.Lambda<Func<TEntity, bool>>(body, selector.Parameters);
    }

    /// <summary><c>x => selector(x) op value</c> for a numeric comparator (the value travels as a SQL parameter).</summary>
    public static Expression<Func<TEntity, bool>> Numeric<TEntity, TValue>(
        Expression<Func<TEntity, TValue>> selector,
        SearchOperator op,
        TValue value)
    {
        var type = op switch
        {
            SearchOperator.Equal => ExpressionType.Equal,
            SearchOperator.NotEqual => ExpressionType.NotEqual,
            SearchOperator.Greater => ExpressionType.GreaterThan,
            SearchOperator.GreaterOrEqual => ExpressionType.GreaterThanOrEqual,
            SearchOperator.Less => ExpressionType.LessThan,
            SearchOperator.LessOrEqual => ExpressionType.LessThanOrEqual,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a numeric comparator"),
        };
        var parameter = Expression.Field(Expression.Constant(new StrongBox<TValue>(value)), nameof(StrongBox<TValue>.Value));
        return Expression.Lambda<Func<TEntity, bool>>(Expression.MakeBinary(type, selector.Body, parameter), selector.Parameters);
    }

    private sealed class ParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
