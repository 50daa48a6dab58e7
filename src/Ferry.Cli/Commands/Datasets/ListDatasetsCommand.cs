using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Datasets;

/// <summary><c>ferry datasets list [--endpoint E]</c>.</summary>
internal sealed class ListDatasetsCommand : Command
{
    private readonly Option<string?> _endpoint = new("--endpoint") { Description = "Only this endpoint's datasets" };
    private readonly Option<int?> _limit = new("--limit") { Description = "At most this many (1 to 1000; default 100)" };

    public ListDatasetsCommand(ClientOptions client)
        : base("list", "List datasets, newest first.")
    {
        Options.Add(_endpoint);
        Options.Add(_limit);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var datasets = await ferry.Datasets.ListAsync(parseResult.GetValue(_endpoint), parseResult.GetValue(_limit), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(new { datasets });
            }
            else
            {
                DatasetOutput.WriteList(datasets);
            }

            return ExitCodes.Success;
        }));
    }
}
