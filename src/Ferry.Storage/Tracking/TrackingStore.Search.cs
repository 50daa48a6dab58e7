using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Tracking;

/// <summary>Run and experiment search: filter, order and page in SQL, then load the page's children.</summary>
public sealed partial class TrackingStore
{
    /// <inheritdoc />
    public async Task<ResultPage<Run>> SearchRunsAsync(RunSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckMaxResults(query.MaxResults);
        var filter = SearchParser.ParseFilter(query.Filter, SearchGrammar.Runs);
        var orders = query.OrderBy.Select(o => SearchParser.ParseOrderBy(o, SearchGrammar.Runs)).ToList();
        var (offset, after) = PageToken.DecodeWithKey(query.PageToken, 3);

        var experimentIds = query.ExperimentIds.ToList();
        var runs = db.Runs.AsNoTracking().Where(r => experimentIds.Contains(r.ExperimentId));
        runs = query.ViewType switch
        {
            ViewType.DeletedOnly => runs.Where(r => r.LifecycleStage == LifecycleStage.Deleted),
            ViewType.All => runs,
            _ => runs.Where(r => r.LifecycleStage == LifecycleStage.Active),
        };
        var translator = new RunSearchTranslator(db, dialect);
        var metricPlan = MetricDrivenSearch.Applies(orders) ? new MetricDrivenSearch(db, translator) : null;
        var (ordered, seeked) = metricPlan is not null
            ? metricPlan.Search(runs, filter, orders[0], after)
            : (translator.Order(filter.Aggregate(runs, translator.Filter), orders), false);
        var page = await ordered.Skip(seeked ? 0 : offset).Take(query.MaxResults + 1).ToListAsync(cancellationToken);
        var more = page.Count > query.MaxResults;
        if (more)
        {
            page.RemoveAt(page.Count - 1);
        }

        await LoadChildrenAsync(page, cancellationToken);
        var next = !more ? null
            : metricPlan is { Seekable: true } ? PageToken.Encode(offset + query.MaxResults, MetricDrivenSearch.CursorOf(page[^1], orders[0].Identifier.Key))
            : PageToken.Encode(offset + query.MaxResults);
        return new ResultPage<Run>(page, next);
    }

    /// <inheritdoc />
    public async Task<ResultPage<Experiment>> SearchExperimentsAsync(ExperimentSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckMaxResults(query.MaxResults);
        var filter = SearchParser.ParseFilter(query.Filter, SearchGrammar.Experiments);
        var orders = query.OrderBy.Select(o => SearchParser.ParseOrderBy(o, SearchGrammar.Experiments)).ToList();
        var offset = PageToken.Decode(query.PageToken);

        var experiments = db.Experiments.AsNoTracking();
        experiments = query.ViewType switch
        {
            ViewType.DeletedOnly => experiments.Where(e => e.LifecycleStage == LifecycleStage.Deleted),
            ViewType.All => experiments,
            _ => experiments.Where(e => e.LifecycleStage == LifecycleStage.Active),
        };
        var translator = new ExperimentSearchTranslator(db, dialect);
        experiments = filter.Aggregate(experiments, translator.Filter);
        var page = await ExperimentSearchTranslator.Order(experiments, orders).Skip(offset).Take(query.MaxResults + 1).ToListAsync(cancellationToken);
        var next = page.Count > query.MaxResults ? PageToken.Encode(offset + query.MaxResults) : null;
        if (next is not null)
        {
            page.RemoveAt(page.Count - 1);
        }

        var ids = page.Select(e => e.Id).ToList();
        var tags = (await db.ExperimentTags.AsNoTracking().Where(t => ids.Contains(t.ExperimentId)).ToListAsync(cancellationToken)).ToLookup(t => t.ExperimentId);
        foreach (var experiment in page)
        {
            experiment.Tags = [.. tags[experiment.Id]];
        }

        return new ResultPage<Experiment>(page, next);
    }

    private static void CheckMaxResults(int maxResults)
    {
        if (maxResults is < 1 or > TrackingLimits.MaxSearchResults)
        {
            throw new TrackingRequestException(
                $"Invalid value for parameter 'max_results' supplied: it must be between 1 and {TrackingLimits.MaxSearchResults}, but got {maxResults}.");
        }
    }

    private async Task LoadChildrenAsync(List<Run> runs, CancellationToken cancellationToken)
    {
        if (runs.Count == 0)
        {
            return;
        }

        var ids = runs.Select(r => r.Id).ToList();
        var parameters = (await db.RunParams.AsNoTracking().Where(p => ids.Contains(p.RunId)).ToListAsync(cancellationToken)).ToLookup(p => p.RunId);
        var tags = (await db.RunTags.AsNoTracking().Where(t => ids.Contains(t.RunId)).ToListAsync(cancellationToken)).ToLookup(t => t.RunId);
        var metrics = (await db.LatestMetrics.AsNoTracking().Where(m => ids.Contains(m.RunId)).ToListAsync(cancellationToken)).ToLookup(m => m.RunId);
        var inputs = (await db.RunDatasetInputs.AsNoTracking().Where(d => ids.Contains(d.RunId)).ToListAsync(cancellationToken)).ToLookup(d => d.RunId);
        var links = (await db.RunModelLinks.AsNoTracking().Where(l => ids.Contains(l.RunId)).ToListAsync(cancellationToken)).ToLookup(l => l.RunId);
        foreach (var run in runs)
        {
            run.Params = [.. parameters[run.Id]];
            run.Tags = [.. tags[run.Id]];
            run.LatestMetrics = [.. metrics[run.Id]];
            run.DatasetInputs = [.. inputs[run.Id]];
            run.ModelLinks = [.. links[run.Id]];
        }
    }
}
