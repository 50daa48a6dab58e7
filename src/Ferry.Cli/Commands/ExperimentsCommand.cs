using System.CommandLine;
using Ferry.Cli.Commands.Experiments;

namespace Ferry.Cli.Commands;

/// <summary><c>ferry experiments</c>: read tracked experiments (viewer).</summary>
internal sealed class ExperimentsCommand : Command
{
    public ExperimentsCommand()
        : base("experiments", "List and show tracked experiments.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new ListExperimentsCommand(client));
        Subcommands.Add(new ShowExperimentCommand(client));
    }
}
