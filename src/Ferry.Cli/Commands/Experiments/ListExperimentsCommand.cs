using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Client.Tracking;

namespace Ferry.Cli.Commands.Experiments;

/// <summary><c>ferry experiments list</c>: every active experiment (or all with <c>--all</c>).</summary>
internal sealed class ListExperimentsCommand : Command
{
    private const int PageSize = 1000;

    private readonly Option<bool> _all = new("--all", "-a") { Description = "Include deleted experiments" };

    private readonly Option<string?> _filter = new("--filter") { Description = "MLflow filter, e.g. \"name LIKE 'credit%'\"" };

    public ListExperimentsCommand(ClientOptions client)
        : base("list", "List experiments.")
    {
        Options.Add(_all);
        Options.Add(_filter);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var experiments = new List<Experiment>();
            string? token = null;
            do
            {
                var page = await ferry.Tracking.SearchExperimentsAsync(
                    parseResult.GetValue(_filter), ["experiment_id ASC"], PageSize, token, parseResult.GetValue(_all) ? "ALL" : null, cancellationToken);
                experiments.AddRange(page.Experiments);
                token = page.NextPageToken;
            }
            while (token is not null);

            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MlflowOutput.Json(new { experiments });
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Id", "Name", "Stage", "Created", "Artifact location");
            foreach (var e in experiments)
            {
                table.AddTextRow(e.ExperimentId, e.Name, e.LifecycleStage, MlflowOutput.Time(e.CreationTime), e.ArtifactLocation);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }
}
