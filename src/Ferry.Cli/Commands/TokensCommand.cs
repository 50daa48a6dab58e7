using System.CommandLine;
using Ferry.Cli.Commands.Identity;

namespace Ferry.Cli.Commands;

/// <summary><c>ferry tokens</c>: create, list and revoke API tokens (admin only).</summary>
internal sealed class TokensCommand : Command
{
    public TokensCommand()
        : base("tokens", "Manage API tokens (needs an admin token).")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new CreateTokenCommand(client));
        Subcommands.Add(new ListTokensCommand(client));
        Subcommands.Add(new RevokeTokenCommand(client));
    }
}
