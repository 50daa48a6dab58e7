using System.CommandLine;
using Ferry.Cli.Commands.Experiments;
using Ferry.Cli.Output;
using Ferry.Client.Tracking;

namespace Ferry.Cli.Commands.Runs;

/// <summary><c>ferry runs list --experiment &lt;name-or-id&gt;</c>: one page of runs, filtered and sorted as MLflow's search does.</summary>
internal sealed class ListRunsCommand : Command
{
    private readonly Option<string> _experiment = new("--experiment", "-e")
    {
        Description = "The experiment's name or id",
        Required = true,
    };

    private readonly Option<string?> _filter = new("--filter") { Description = "MLflow filter, e.g. \"metrics.auc > 0.9 and params.model = 'gbm'\"" };

    private readonly Option<string[]> _orderBy = new("--order-by")
    {
        Description = "Sort key, repeatable, e.g. \"metrics.auc DESC\" [default: start_time DESC]",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<int> _maxResults = new("--max-results")
    {
        Description = "Most runs to show",
        DefaultValueFactory = _ => 100,
    };

    private readonly Option<string?> _pageToken = new("--page-token") { Description = "Continue after a previous page" };

    public ListRunsCommand(ClientOptions client)
        : base("list", "List the runs of an experiment.")
    {
        Options.Add(_experiment);
        Options.Add(_filter);
        Options.Add(_orderBy);
        Options.Add(_maxResults);
        Options.Add(_pageToken);
        _maxResults.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 50_000)
            {
                result.AddError("--max-results must be between 1 and 50000");
            }
        });
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var experiment = await ExperimentResolver.ResolveAsync(ferry, parseResult.GetValue(_experiment)!, cancellationToken);
            var orderBy = parseResult.GetValue(_orderBy) is { Length: > 0 } keys ? keys : null;
            var page = await ferry.Tracking.SearchRunsAsync(
                [experiment.ExperimentId],
                parseResult.GetValue(_filter),
                orderBy,
                parseResult.GetValue(_maxResults),
                parseResult.GetValue(_pageToken),
                cancellationToken: cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MlflowOutput.Json(new { runs = page.Runs, next_page_token = page.NextPageToken });
                return ExitCodes.Success;
            }

            WriteTable(page);
            return ExitCodes.Success;
        }));
    }

    private static void WriteTable(RunsPage page)
    {
        var table = TableFormat.Create("Run id", "Name", "Status", "Started", "Metrics", "Params");
        foreach (var run in page.Runs)
        {
            table.AddTextRow(
                run.Info.RunId,
                run.Info.RunName,
                run.Info.Status,
                MlflowOutput.Time(run.Info.StartTime),
                TableFormat.Shorten(string.Join(", ", (run.Data.Metrics ?? []).Select(m => $"{m.Key}={MlflowOutput.Number(m.Value)}")), 60),
                TableFormat.Shorten(string.Join(", ", (run.Data.Params ?? []).Select(p => $"{p.Key}={p.Value}")), 60));
        }

        CliConsole.Write(table);
        if (page.NextPageToken is { } next)
        {
            CliConsole.Markup($"[grey]More runs: add --page-token {Spectre.Console.Markup.Escape(next)}[/]");
        }
    }
}
