using System.CommandLine;
using Ferry.Cli.Commands.Runs;

namespace Ferry.Cli.Commands;

/// <summary><c>ferry runs</c>: read tracked runs (viewer).</summary>
internal sealed class RunsCommand : Command
{
    public RunsCommand()
        : base("runs", "List and show tracked runs.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new ListRunsCommand(client));
        Subcommands.Add(new ShowRunCommand(client));
    }
}
