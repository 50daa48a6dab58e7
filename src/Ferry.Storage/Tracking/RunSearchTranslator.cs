using System.Linq.Expressions;
using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;

namespace Ferry.Storage.Tracking;

/// <summary>
/// Turns parsed run filters and order-by items into LINQ that EF Core runs in SQL on both providers. Metric, param
/// and tag comparisons become <c>EXISTS</c> subqueries keyed by (key, value) so the
/// <c>latest_metrics(key, value)</c>, <c>run_params(key, run_id)</c> and <c>run_tags(key, run_id)</c> indexes serve them;
/// a run lacking the key never matches. Sorting puts runs lacking the key last in either direction.
/// </summary>
internal sealed class RunSearchTranslator(FerryDbContext db, ISqlDialect dialect)
{
    private const string DatasetContextTag = "mlflow.data.context";

    /// <summary>Applies one comparison.</summary>
    public IQueryable<Run> Filter(IQueryable<Run> runs, SearchComparison comparison)
    {
        var key = comparison.Identifier.Key;
        switch (comparison.Identifier.Type)
        {
            case SearchEntityType.Metric:
                var metrics = db.LatestMetrics.Where(m => m.Key == key && !m.IsNaN)
                    .Where(ExpressionComposer.Numeric<LatestMetric, double>(m => m.Value, comparison.Operator, comparison.Number!.Value));
                return runs.Where(r => metrics.Any(m => m.RunId == r.Id));
            case SearchEntityType.Param:
                var parameters = db.RunParams.Where(p => p.Key == key)
                    .Where(ExpressionComposer.Compose<RunParam, string>(p => p.Value, Text(comparison)));
                return runs.Where(r => parameters.Any(p => p.RunId == r.Id));
            case SearchEntityType.Tag:
                var tags = db.RunTags.Where(t => t.Key == key)
                    .Where(ExpressionComposer.Compose<RunTag, string>(t => t.Value, Text(comparison)));
                return runs.Where(r => tags.Any(t => t.RunId == r.Id));
            case SearchEntityType.Dataset:
                var datasets = db.RunDatasetInputs.Where(Dataset(comparison));
                return runs.Where(r => datasets.Any(d => d.RunId == r.Id));
            default:
                return runs.Where(Attribute(comparison));
        }
    }

    /// <summary>Applies the order-by items, then MLflow's tiebreak (start time descending, then run id).</summary>
    public IQueryable<Run> Order(IQueryable<Run> runs, IReadOnlyList<SearchOrder> orders)
    {
        var builder = new OrderingBuilder<Run>(runs);
        foreach (var order in orders)
        {
            var key = order.Identifier.Key;
            var desc = order.Descending;
            switch (order.Identifier.Type)
            {
                case SearchEntityType.Metric:
                    builder.By(r => !db.LatestMetrics.Any(m => m.RunId == r.Id && m.Key == key && !m.IsNaN), false)
                        .By(r => db.LatestMetrics.Where(m => m.RunId == r.Id && m.Key == key && !m.IsNaN).Select(m => (double?)m.Value).FirstOrDefault(), desc);
                    break;
                case SearchEntityType.Param:
                    builder.By(r => !db.RunParams.Any(p => p.RunId == r.Id && p.Key == key), false)
                        .By(r => db.RunParams.Where(p => p.RunId == r.Id && p.Key == key).Select(p => p.Value).FirstOrDefault(), desc);
                    break;
                case SearchEntityType.Tag:
                    builder.By(r => !db.RunTags.Any(t => t.RunId == r.Id && t.Key == key), false)
                        .By(r => db.RunTags.Where(t => t.RunId == r.Id && t.Key == key).Select(t => t.Value).FirstOrDefault(), desc);
                    break;
                default:
                    OrderByAttribute(builder, key, desc);
                    break;
            }
        }

        return builder.By(r => r.StartTime, true).By(r => r.Id, false).Query;
    }

    private static void OrderByAttribute(OrderingBuilder<Run> builder, string key, bool desc)
    {
        _ = key switch
        {
            RunAttributes.StartTime => builder.By(r => r.StartTime, desc),
            RunAttributes.EndTime => builder.By(r => r.EndTime == null, false).By(r => r.EndTime, desc),
            RunAttributes.RunName => builder.By(r => r.Name, desc),
            RunAttributes.Status => builder.By(r => r.Status, desc),
            RunAttributes.UserId => builder.By(r => r.UserId, desc),
            RunAttributes.ArtifactUri => builder.By(r => r.ArtifactUri, desc),
            _ => builder.By(r => r.Id, desc),
        };
    }

    private Expression<Func<Run, bool>> Attribute(SearchComparison comparison)
    {
        var op = comparison.Operator;
        switch (comparison.Identifier.Key)
        {
            case RunAttributes.StartTime:
                return ExpressionComposer.Numeric<Run, long>(r => r.StartTime, op, WholeNumber(comparison));
            case RunAttributes.EndTime:
                var endTime = WholeNumber(comparison);
                var compare = ExpressionComposer.Numeric<Run, long?>(r => r.EndTime, op, endTime);
                return op == SearchOperator.NotEqual ? r => r.EndTime != null && r.EndTime != endTime : compare;
            case RunAttributes.RunId when op is SearchOperator.In or SearchOperator.NotIn:
                var ids = comparison.List!.ToList();
                return op == SearchOperator.In ? r => ids.Contains(r.Id) : r => !ids.Contains(r.Id);
            case RunAttributes.RunId:
                return ExpressionComposer.Compose<Run, string>(r => r.Id, Text(comparison));
            case RunAttributes.RunName:
                return ExpressionComposer.Compose<Run, string>(r => r.Name, Text(comparison));
            case RunAttributes.Status:
                return ExpressionComposer.Compose<Run, string>(r => r.Status, Text(comparison));
            case RunAttributes.UserId:
                return ExpressionComposer.Compose<Run, string>(r => r.UserId, Text(comparison));
            default:
                return ExpressionComposer.Compose<Run, string>(r => r.ArtifactUri, Text(comparison));
        }
    }

    private Expression<Func<RunDatasetInput, bool>> Dataset(SearchComparison comparison)
    {
        var op = comparison.Operator;
        Expression<Func<RunDatasetInput, string>> selector = comparison.Identifier.Key == "digest" ? d => d.Digest : d => d.Name;
        if (comparison.Identifier.Key == "context")
        {
            if (op != SearchOperator.Equal)
            {
                throw new TrackingRequestException("Invalid search expression: datasets.context supports only '='.");
            }

            var fragment = $"\"{DatasetContextTag}\":{System.Text.Json.JsonSerializer.Serialize(comparison.Text)}";
            return d => d.TagsJson.Contains(fragment);
        }

        if (op is SearchOperator.In or SearchOperator.NotIn)
        {
            var values = comparison.List!.ToList();
            Expression<Func<string, bool>> inList = op == SearchOperator.In ? s => values.Contains(s) : s => !values.Contains(s);
            return ExpressionComposer.Compose(selector, inList);
        }

        return ExpressionComposer.Compose(selector, Text(comparison));
    }

    private Expression<Func<string, bool>> Text(SearchComparison comparison) => StringMatch.For(comparison.Operator, comparison.Text!, dialect);

    private static long WholeNumber(SearchComparison comparison)
    {
        var value = comparison.Number!.Value;
        return value == Math.Floor(value) && Math.Abs(value) < 9.2e18
            ? (long)value
            : throw new TrackingRequestException($"Invalid search expression: {comparison.Identifier.Key} is compared with whole numbers (epoch ms), got {value}.");
    }
}
