using System.CommandLine;

namespace Ferry.Cli.Commands.Datasets;

/// <summary><c>ferry datasets</c>: build, list and show training sets materialised from production.</summary>
internal sealed class DatasetsCommand : Command
{
    public DatasetsCommand()
        : base("datasets", "Build, list and show training sets materialised from an endpoint's prediction log (point-in-time correct).")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new BuildDatasetCommand(client));
        Subcommands.Add(new ListDatasetsCommand(client));
        Subcommands.Add(new ShowDatasetCommand(client));
    }
}
