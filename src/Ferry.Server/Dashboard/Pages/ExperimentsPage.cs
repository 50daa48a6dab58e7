using System.Globalization;
using Ferry.Core.Errors;
using Ferry.Core.Tracking;
using Microsoft.AspNetCore.WebUtilities;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// Tracking experiments for data scientists: the list (searchable by name), and one experiment's runs as a table with
/// chosen param, metric and tag columns, sorted by any column (MLflow's <c>order_by</c>), filtered with MLflow's search
/// grammar (the tracking API's own parser, through <see cref="ITrackingStore.SearchRunsAsync"/>), paged with MLflow's
/// keyset page tokens (<see cref="PageSize"/> a page), with checkboxes to compare runs. Experiments the signed-in person
/// may not read are left out of the list and answer 404.
/// </summary>
public static class ExperimentsPage
{
    /// <summary>Runs (and experiments) a page.</summary>
    public const int PageSize = 50;

    /// <summary>Columns shown when none were chosen: this many metrics, then this many params.</summary>
    private const int DefaultColumnsPerKind = 6;

    /// <summary>The experiments list.</summary>
    public static async Task<IResult> ListAsync(HttpContext context, string? q, string? view, string? page, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        var viewType = view switch
        {
            "deleted" => ViewType.DeletedOnly,
            "all" => ViewType.All,
            _ => ViewType.ActiveOnly,
        };
        var name = q?.Trim() ?? string.Empty;
        var filter = name.Length == 0 ? null : $"name ILIKE '%{Quote(name)}%'";
        ResultPage<Experiment> found;
        Html error = Html.Empty;
        try
        {
            found = await tracking.SearchExperimentsAsync(new ExperimentSearchQuery(filter, viewType, PageSize, [], page), cancellationToken);
        }
        catch (TrackingRequestException e)
        {
            found = new ResultPage<Experiment>([], null);
            error = Html.Of($"<div class=\"error\" role=\"alert\" id=\"search-error\">{e.Message}</div>");
        }

        var readable = await DashboardPermissions.ReadableExperimentsAsync(context, found.Items.Select(e => e.Id), cancellationToken);
        var shown = found.Items.Where(e => readable.Contains(Id(e.Id))).ToList();
        var rows = new List<Html>(shown.Count);
        foreach (var experiment in shown)
        {
            var last = await tracking.SearchRunsAsync(new RunSearchQuery([experiment.Id], null, ViewType.ActiveOnly, 1, ["attributes.start_time DESC"], null), cancellationToken);
            var lastRun = last.Items.Count > 0 ? last.Items[0] : null;
            rows.Add(Html.Of($"""
                <tr data-experiment="{experiment.Id}"><th scope="row"><a href="{DashboardLinks.Experiment(experiment.Id)}">{experiment.Name}</a></th><td class="num">{experiment.Id}</td>
                <td>{(lastRun is null ? Html.Text("no run yet") : Html.Of($"{Ui.Time(lastRun.StartTime)} (<a href=\"{DashboardLinks.Run(lastRun.Id)}\">{lastRun.Name}</a>)"))}</td>
                <td>{Ui.Time(experiment.CreationTime)}</td><td>{Lifecycle(experiment.LifecycleStage)}</td></tr>
                """));
        }

        var form = Html.Of($"""
            <form class="filters" method="get" action="{DashboardLinks.Experiments}" role="search">
            <label for="experiment-name">Name contains<input id="experiment-name" name="q" type="search" value="{name}"></label>
            <label for="experiment-view">Show
            <select id="experiment-view" name="view">
            <option value=""{Selected(viewType == ViewType.ActiveOnly)}>active experiments</option>
            <option value="deleted"{Selected(viewType == ViewType.DeletedOnly)}>deleted experiments</option>
            <option value="all"{Selected(viewType == ViewType.All)}>all experiments</option>
            </select></label>
            <button type="submit">Search</button>
            </form>
            """);
        var table = rows.Count == 0
            ? Ui.Empty(name.Length == 0 ? "No experiment yet." : $"No experiment's name contains '{name}'.",
                Html.Raw("Log a run from Python: <code>mlflow.set_tracking_uri(\"http://127.0.0.1:5077\")</code>, then <code>mlflow.set_experiment(\"credit\")</code> and <code>with mlflow.start_run(): mlflow.log_metric(\"auc\", 0.8)</code>."))
            : Ui.Table("Experiments", Html.Raw("<th scope=\"col\">Name</th><th scope=\"col\" class=\"num\">ID</th><th scope=\"col\">Last run</th><th scope=\"col\">Created</th><th scope=\"col\">Lifecycle</th>"), Html.Join(rows));
        var query = new Dictionary<string, string?> { ["q"] = name.Length == 0 ? null : name, ["view"] = view is "deleted" or "all" ? view : null };
        var pager = Pager(DashboardLinks.Experiments, query, page, found.NextPageToken, "experiments");
        return Layout.Page(context, error == Html.Empty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, Layout.Section.Experiments, "Experiments",
            Html.Text("Every tracking experiment you may read, newest first, with its latest run. Open one to see, filter, sort and compare its runs."),
            Html.Join([form, error, table, pager]));
    }

    /// <summary>One experiment's runs.</summary>
    public static async Task<IResult> RunsAsync(HttpContext context, long id, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tracking);
        var experiment = await FindAsync(context, tracking, id, cancellationToken);
        if (experiment is null)
        {
            return NotFound(context, id);
        }

        var request = context.Request.Query;
        var filter = request["filter"].ToString().Trim();
        var order = request["order"].ToString().Trim();
        var page = request["page"].ToString();
        var chosen = RunColumn.Parse(request["columns"]);
        ResultPage<Run> found;
        Html error = Html.Empty;
        try
        {
            found = await tracking.SearchRunsAsync(new RunSearchQuery([id], filter, ViewType.ActiveOnly, PageSize, order.Length == 0 ? [] : [order], page.Length == 0 ? null : page), cancellationToken);
        }
        catch (TrackingRequestException e)
        {
            found = new ResultPage<Run>([], null);
            error = Html.Of($"<div class=\"error\" role=\"alert\" id=\"filter-error\"><p><strong>This search cannot run.</strong></p><p>{e.Message}</p></div>");
        }

        var runs = found.Items;
        var offered = RunColumn.Offered(runs);
        var columns = request["columns"].Count > 0 ? chosen : Defaults(offered);
        var state = new RunsView(id, filter, order, columns);
        var form = FilterForm(state, offered);
        Html body;
        if (runs.Count == 0)
        {
            body = error != Html.Empty ? Html.Empty : filter.Length > 0
                ? Ui.Empty("No run matches this filter.", Html.Of($"Clear it: <a href=\"{DashboardLinks.Experiment(id)}\">all runs</a>."))
                : Ui.Empty("This experiment has no run yet.", Html.Of($"Log one from Python: <code>mlflow.set_experiment(\"{experiment.Name}\")</code>, then <code>with mlflow.start_run(): mlflow.log_metric(\"auc\", 0.8)</code>."));
        }
        else
        {
            body = RunsTable(state, runs);
        }

        var pager = Pager(DashboardLinks.Experiment(id), state.Query(), page.Length == 0 ? null : page, found.NextPageToken, "runs");
        var facts = Html.Of($"""
            <dl class="facts">
            <dt>Experiment ID</dt><dd>{experiment.Id}</dd>
            <dt>Artifact location</dt><dd><code>{experiment.ArtifactLocation}</code></dd>
            <dt>Lifecycle</dt><dd>{Lifecycle(experiment.LifecycleStage)}</dd>
            <dt>Created</dt><dd>{Ui.Time(experiment.CreationTime)}</dd>
            </dl>
            """);
        return Layout.Page(context, error == Html.Empty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, Layout.Section.Experiments, experiment.Name,
            Html.Text("The experiment's runs, newest first unless sorted otherwise. Choose columns, filter with MLflow's search syntax, sort by a column's heading, and tick runs to compare them."),
            Html.Join([facts, form, error, body, pager]), new Crumb("Experiments", DashboardLinks.Experiments));
    }

    /// <summary>The experiment, or null when there is none with that id or the signed-in person may not read it.</summary>
    internal static async Task<Experiment?> FindAsync(HttpContext context, ITrackingStore tracking, long id, CancellationToken cancellationToken)
    {
        Experiment experiment;
        try
        {
            experiment = await tracking.GetExperimentAsync(id, cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }

        return await DashboardPermissions.MayReadExperimentAsync(context, id, cancellationToken) ? experiment : null;
    }

    /// <summary>The dashboard's 404 for an experiment.</summary>
    internal static IResult NotFound(HttpContext context, long id) =>
        Layout.Page(context, StatusCodes.Status404NotFound, Layout.Section.Experiments, "Not found", Html.Empty,
            Ui.Empty($"No experiment has the id {id}.", Html.Of($"Go back to <a href=\"{DashboardLinks.Experiments}\">the experiments</a>.")), new Crumb("Experiments", DashboardLinks.Experiments));

    /// <summary>A lifecycle stage as a badge.</summary>
    internal static Html Lifecycle(string stage) => stage == LifecycleStage.Deleted ? Ui.Badge("deleted", Ui.Tone.Warn) : Ui.Badge("active", Ui.Tone.Ok);

    /// <summary>A run status as a badge.</summary>
    internal static Html Status(string status) => status switch
    {
        RunStatus.Finished => Ui.Badge("finished", Ui.Tone.Ok),
        RunStatus.Failed or RunStatus.Killed => Ui.Badge(status.ToLowerInvariant(), Ui.Tone.Fail),
        _ => Ui.Badge(status.ToLowerInvariant(), Ui.Tone.Warn),
    };

    /// <summary>A value for a single-quoted MLflow string literal.</summary>
    internal static string Quote(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static Html Selected(bool selected) => selected ? Html.Raw(" selected") : Html.Empty;

    private static IReadOnlyList<RunColumn> Defaults(IReadOnlyList<RunColumn> offered) =>
    [
        .. offered.Where(c => c.Kind == RunColumn.Metrics).Take(DefaultColumnsPerKind),
        .. offered.Where(c => c.Kind == RunColumn.Params).Take(DefaultColumnsPerKind),
    ];

    /// <summary>First-page and next-page links (MLflow page tokens go forward only).</summary>
    private static Html Pager(string path, IDictionary<string, string?> query, string? page, string? next, string what)
    {
        var links = new List<Html>();
        if (!string.IsNullOrEmpty(page))
        {
            links.Add(Html.Of($"<a href=\"{QueryHelpers.AddQueryString(path, query.Where(p => p.Value is not null))}\" rel=\"first\">First page</a>"));
        }

        if (next is not null)
        {
            var withToken = new Dictionary<string, string?>(query) { ["page"] = next };
            links.Add(Html.Of($"<a href=\"{QueryHelpers.AddQueryString(path, withToken.Where(p => p.Value is not null))}\" rel=\"next\" id=\"next-page\">Next {PageSize} {what}</a>"));
        }

        return links.Count == 0 ? Html.Empty : Html.Of($"<nav class=\"pager\" aria-label=\"Pages of {what}\"><p>{Html.Join(links.Select((l, i) => i == 0 ? l : Html.Of($" · {l}")))}</p></nav>");
    }

    private static Html FilterForm(RunsView state, IReadOnlyList<RunColumn> offered)
    {
        var choices = offered.Concat(state.Columns).Distinct().ToList();
        var boxes = Html.Each(choices.Select((c, i) => (c, i)), x => Html.Of($"""
            <label class="choice"><input type="checkbox" name="columns" value="{x.c.Id}"{(state.Columns.Contains(x.c) ? Html.Raw(" checked") : Html.Empty)}> {x.c.Id}</label>
            """));
        return Html.Of($"""
            <form class="filters runs-filter" method="get" action="{DashboardLinks.Experiment(state.ExperimentId)}" role="search">
            <label for="run-filter" class="wide">Filter (MLflow search syntax)<input id="run-filter" name="filter" type="search" value="{state.Filter}" placeholder="metrics.auc &gt; 0.8 and params.model = 'gbm'" aria-describedby="run-filter-hint"></label>
            <p class="hint" id="run-filter-hint">Compare <code>metrics.KEY</code>, <code>params.KEY</code>, <code>tags.KEY</code> or <code>attributes.status</code>, <code>attributes.run_name</code>, <code>attributes.start_time</code> with <code>= != &lt; &lt;= &gt; &gt;=</code>, <code>LIKE</code>, <code>ILIKE</code> or <code>IN</code>; join with <code>and</code>. Quote strings with <code>'</code>; a key with spaces or dots in backticks: <code>metrics.`val loss`</code>.</p>
            {(choices.Count == 0 ? Html.Empty : Html.Of($"<fieldset class=\"columns\"><legend>Columns</legend>{boxes}</fieldset>"))}
            {(state.Order.Length == 0 ? Html.Empty : Html.Of($"<input type=\"hidden\" name=\"order\" value=\"{state.Order}\">"))}
            <button type="submit">Apply</button>
            </form>
            """);
    }

    private static Html RunsTable(RunsView state, IReadOnlyList<Run> runs)
    {
        var head = Html.Join(
        [
            Html.Raw("<th scope=\"col\"><span class=\"visually-hidden\">Compare</span></th>"),
            SortHeader(state, "Run", "attributes.run_name", false),
            SortHeader(state, "Created", "attributes.start_time", false),
            SortHeader(state, "Status", "attributes.status", false),
            Html.Join(state.Columns.Select(c => SortHeader(state, c.Id, c.OrderField, c.IsNumeric))),
        ]);
        var rows = Html.Each(runs, run => Html.Of($"""
            <tr data-run="{run.Id}"><td><input type="checkbox" name="runs" value="{run.Id}" id="pick-{run.Id}" aria-label="Compare {run.Name}"></td>
            <th scope="row"><a href="{DashboardLinks.Run(run.Id)}">{run.Name}</a></th><td>{Ui.Time(run.StartTime)}</td><td>{Status(run.Status)}</td>
            {Html.Each(state.Columns, c => Cell(c, run))}</tr>
            """));
        return Html.Of($"""
            <form method="get" action="/ui/experiments/{state.ExperimentId}/compare" class="compare-runs">
            {Ui.Table($"Runs ({runs.Count} on this page)", head, rows)}
            <p><button type="submit">Compare selected runs</button> <span class="hint">Tick 2 to 10 runs.</span></p>
            </form>
            """);
    }

    private static Html Cell(RunColumn column, Run run)
    {
        var value = column.ValueOf(run);
        if (value is null)
        {
            return Html.Of($"<td class=\"{(column.IsNumeric ? "num" : "text")} missing\" data-column=\"{column.Id}\">–</td>");
        }

        return value.Length > 80
            ? Html.Of($"<td data-column=\"{column.Id}\" title=\"{value}\">{Charts.ChartFormat.Truncate(value, 80)}</td>")
            : Html.Of($"<td class=\"{(column.IsNumeric ? "num" : "text")}\" data-column=\"{column.Id}\">{value}</td>");
    }

    private static Html SortHeader(RunsView state, string text, string field, bool numeric)
    {
        var current = state.Order.Length > 0 && (state.Order == field + " DESC" || state.Order == field + " ASC" || state.Order == field)
            ? (state.Order.EndsWith(" DESC", StringComparison.Ordinal) ? "descending" : "ascending")
            : null;
        var next = current == "descending" ? field + " ASC" : field + " DESC";
        var href = QueryHelpers.AddQueryString(DashboardLinks.Experiment(state.ExperimentId), state.Query(next).Where(p => p.Value is not null));
        var arrow = current switch
        {
            "descending" => " ▼",
            "ascending" => " ▲",
            _ => string.Empty,
        };
        var label = current is null ? "sort descending" : current == "descending" ? "sorted descending; sort ascending" : "sorted ascending; sort descending";
        return Html.Of($"<th scope=\"col\"{(numeric ? Html.Raw(" class=\"num\"") : Html.Empty)}{(current is null ? Html.Empty : Html.Of($" aria-sort=\"{current}\""))}><a href=\"{href}\" data-order=\"{next}\">{text}<span class=\"visually-hidden\"> ({label})</span>{arrow}</a></th>");
    }

    /// <summary>What the runs table shows: the filter, the order and the columns (kept across links).</summary>
    private sealed record RunsView(long ExperimentId, string Filter, string Order, IReadOnlyList<RunColumn> Columns)
    {
        public Dictionary<string, string?> Query(string? order = null) => new()
        {
            ["filter"] = Filter.Length == 0 ? null : Filter,
            ["order"] = (order ?? Order) is { Length: > 0 } o ? o : null,
            ["columns"] = string.Join(',', Columns.Select(c => c.Id)),
        };
    }
}
