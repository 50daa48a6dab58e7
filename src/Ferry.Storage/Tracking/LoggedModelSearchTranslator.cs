using System.Linq.Expressions;
using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;

namespace Ferry.Storage.Tracking;

/// <summary>
/// Turns parsed logged-model filters and order-by items into LINQ that EF Core runs in SQL, as
/// <see cref="RunSearchTranslator"/> does for runs. A metric compares and sorts by its latest value (by timestamp,
/// then step), as MLflow's SQL store does; models lacking the key never match and sort last.
/// </summary>
internal sealed class LoggedModelSearchTranslator(FerryDbContext db, ISqlDialect dialect)
{
    /// <summary>Applies one comparison.</summary>
    public IQueryable<LoggedModel> Filter(IQueryable<LoggedModel> models, SearchComparison comparison)
    {
        var key = comparison.Identifier.Key;
        switch (comparison.Identifier.Type)
        {
            case SearchEntityType.Metric:
                var metrics = Latest(key).Where(ExpressionComposer.Numeric<LoggedModelMetric, double>(m => m.Value, comparison.Operator, comparison.Number!.Value));
                return models.Where(r => metrics.Any(m => m.ModelId == r.Id));
            case SearchEntityType.Param:
                var parameters = db.LoggedModelParams.Where(p => p.Key == key).Where(ExpressionComposer.Compose<LoggedModelParam, string>(p => p.Value, Text(comparison)));
                return models.Where(r => parameters.Any(p => p.ModelId == r.Id));
            case SearchEntityType.Tag:
                var tags = db.LoggedModelTags.Where(t => t.Key == key).Where(ExpressionComposer.Compose<LoggedModelTag, string>(t => t.Value, Text(comparison)));
                return models.Where(r => tags.Any(t => t.ModelId == r.Id));
            case SearchEntityType.Attribute:
                return models.Where(Attribute(comparison));
            default:
                throw new TrackingRequestException($"Invalid search expression: '{comparison.Identifier.Type}' is not supported for logged models.");
        }
    }

    /// <summary>Applies the order-by items, then newest first unless the creation time was named, then the id.</summary>
    public IQueryable<LoggedModel> Order(IQueryable<LoggedModel> models, IReadOnlyList<LoggedModelOrder> orders)
    {
        var builder = new OrderingBuilder<LoggedModel>(models);
        var byCreation = false;
        foreach (var order in orders)
        {
            var desc = !order.Ascending;
            if (order.FieldName.StartsWith("metrics.", StringComparison.Ordinal))
            {
                var key = order.FieldName["metrics.".Length..];
                builder.By(m => !Latest(key).Any(x => x.ModelId == m.Id), false)
                    .By(m => Latest(key).Where(x => x.ModelId == m.Id).Select(x => (double?)x.Value).FirstOrDefault(), desc);
                continue;
            }

            var attribute = SearchGrammar.LoggedModels.CanonicalAttribute(order.FieldName, forSorting: true)
                ?? throw new TrackingRequestException($"Invalid order by field name: {order.FieldName}");
            byCreation |= attribute == LoggedModelAttributes.CreationTimestamp;
            _ = attribute switch
            {
                LoggedModelAttributes.Name => builder.By(m => m.Name, desc),
                LoggedModelAttributes.ModelId => builder.By(m => m.Id, desc),
                LoggedModelAttributes.ModelType => builder.By(m => m.ModelType, desc),
                LoggedModelAttributes.Status => builder.By(m => m.Status, desc),
                LoggedModelAttributes.SourceRunId => builder.By(m => m.SourceRunId, desc),
                LoggedModelAttributes.LastUpdatedTimestamp => builder.By(m => m.LastUpdatedTime, desc),
                _ => builder.By(m => m.CreationTime, desc),
            };
        }

        if (!byCreation)
        {
            builder.By(m => m.CreationTime, true);
        }

        return builder.By(m => m.Id, false).Query;
    }

    /// <summary>Each model's latest, non-NaN value of a metric: no later point (by timestamp, then step) exists.</summary>
    private IQueryable<LoggedModelMetric> Latest(string key) =>
        db.LoggedModelMetrics.Where(m => m.Key == key && !m.IsNaN && !db.LoggedModelMetrics.Any(later =>
            later.ModelId == m.ModelId && later.Key == key
            && (later.Timestamp > m.Timestamp || (later.Timestamp == m.Timestamp && (later.Step > m.Step || (later.Step == m.Step && later.Id > m.Id))))));

    private Expression<Func<LoggedModel, bool>> Attribute(SearchComparison comparison)
    {
        var op = comparison.Operator;
        switch (comparison.Identifier.Key)
        {
            case LoggedModelAttributes.CreationTimestamp:
                return ExpressionComposer.Numeric<LoggedModel, long>(m => m.CreationTime, op, WholeNumber(comparison));
            case LoggedModelAttributes.LastUpdatedTimestamp:
                return ExpressionComposer.Numeric<LoggedModel, long>(m => m.LastUpdatedTime, op, WholeNumber(comparison));
            case var key when op is SearchOperator.In or SearchOperator.NotIn:
                var values = comparison.List!.ToList();
                Expression<Func<string, bool>> inList = op == SearchOperator.In ? s => values.Contains(s) : s => !values.Contains(s);
                return ExpressionComposer.Compose(Selector(key), inList);
            case LoggedModelAttributes.Status:
                // MLflow compares the status by its short name (READY) or its enum name (LOGGED_MODEL_READY).
                var text = comparison.Text!;
                var status = text.StartsWith("LOGGED_MODEL_", StringComparison.Ordinal) ? text : "LOGGED_MODEL_" + text;
                return ExpressionComposer.Compose(Selector(LoggedModelAttributes.Status), StringMatch.For(op, op is SearchOperator.Equal or SearchOperator.NotEqual ? status : text, dialect));
            case var key:
                return ExpressionComposer.Compose(Selector(key), Text(comparison));
        }
    }

    private static Expression<Func<LoggedModel, string>> Selector(string key) => key switch
    {
        LoggedModelAttributes.ModelId => m => m.Id,
        LoggedModelAttributes.ModelType => m => m.ModelType,
        LoggedModelAttributes.Status => m => m.Status,
        LoggedModelAttributes.SourceRunId => m => m.SourceRunId,
        _ => m => m.Name,
    };

    private Expression<Func<string, bool>> Text(SearchComparison comparison) => StringMatch.For(comparison.Operator, comparison.Text!, dialect);

    private static long WholeNumber(SearchComparison comparison)
    {
        var value = comparison.Number!.Value;
        return value == Math.Floor(value) && Math.Abs(value) < 9.2e18
            ? (long)value
            : throw new TrackingRequestException($"Invalid search expression: {comparison.Identifier.Key} is compared with whole numbers (epoch ms), got {value}.");
    }
}
