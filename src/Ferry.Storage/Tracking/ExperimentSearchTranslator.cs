using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;

namespace Ferry.Storage.Tracking;

/// <summary>Turns parsed experiment filters and order-by items into LINQ that runs in SQL on both providers.</summary>
internal sealed class ExperimentSearchTranslator(FerryDbContext db, ISqlDialect dialect)
{
    /// <summary>Applies one comparison.</summary>
    public IQueryable<Experiment> Filter(IQueryable<Experiment> experiments, SearchComparison comparison)
    {
        var key = comparison.Identifier.Key;
        if (comparison.Identifier.Type == SearchEntityType.Tag)
        {
            var tags = db.ExperimentTags.Where(t => t.Key == key)
                .Where(ExpressionComposer.Compose<ExperimentTag, string>(t => t.Value, StringMatch.For(comparison.Operator, comparison.Text!, dialect)));
            return experiments.Where(e => tags.Any(t => t.ExperimentId == e.Id));
        }

        return key switch
        {
            ExperimentAttributes.Name => experiments.Where(ExpressionComposer.Compose<Experiment, string>(e => e.Name, StringMatch.For(comparison.Operator, comparison.Text!, dialect))),
            ExperimentAttributes.CreationTime => experiments.Where(ExpressionComposer.Numeric<Experiment, double>(e => e.CreationTime, comparison.Operator, comparison.Number!.Value)),
            _ => experiments.Where(ExpressionComposer.Numeric<Experiment, double>(e => e.LastUpdateTime, comparison.Operator, comparison.Number!.Value)),
        };
    }

    /// <summary>Applies the order-by items (default: creation time descending), then the experiment id.</summary>
    public static IQueryable<Experiment> Order(IQueryable<Experiment> experiments, IReadOnlyList<SearchOrder> orders)
    {
        var builder = new OrderingBuilder<Experiment>(experiments);
        if (orders.Count == 0)
        {
            builder.By(e => e.CreationTime, true);
        }

        foreach (var order in orders)
        {
            if (order.Identifier.Type != SearchEntityType.Attribute)
            {
                throw new TrackingRequestException("Invalid order_by clause: experiments can be ordered by name, experiment_id, creation_time or last_update_time.");
            }

            _ = order.Identifier.Key switch
            {
                ExperimentAttributes.Name => builder.By(e => e.Name, order.Descending),
                ExperimentAttributes.CreationTime => builder.By(e => e.CreationTime, order.Descending),
                ExperimentAttributes.LastUpdateTime => builder.By(e => e.LastUpdateTime, order.Descending),
                _ => builder.By(e => e.Id, order.Descending),
            };
        }

        return builder.By(e => e.Id, false).Query;
    }
}
