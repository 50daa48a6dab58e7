using System.CommandLine;
using Ferry.Cli.Commands.Models;

namespace Ferry.Cli.Commands;

/// <summary><c>ferry models</c>: the model registry (list and show need a viewer; register and aliases a scientist).</summary>
internal sealed class ModelsCommand : Command
{
    public ModelsCommand()
        : base("models", "List, show and register models; set and delete aliases.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new ListModelsCommand(client));
        Subcommands.Add(new ShowModelCommand(client));
        Subcommands.Add(new RegisterModelCommand(client));
        Subcommands.Add(new AliasCommand(client));
        Subcommands.Add(new ReferenceCommand(client));
        Subcommands.Add(new CardCommand(client));
        Subcommands.Add(new DocsCommand(client));
        Subcommands.Add(new Governance.PolicyCommand(client));
    }
}
