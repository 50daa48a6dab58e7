using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Identity;

/// <summary><c>ferry tokens list</c>: active tokens, or every token with <c>--all</c>.</summary>
internal sealed class ListTokensCommand : Command
{
    private readonly Option<bool> _all = new("--all", "-a")
    {
        Description = "Include revoked tokens",
    };

    public ListTokensCommand(ClientOptions client)
        : base("list", "List tokens, newest first.")
    {
        Options.Add(_all);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var all = parseResult.GetValue(_all);
            var tokens = await ferry.Tokens.ListAsync(all, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(tokens);
            }
            else
            {
                CliConsole.Write(TokenTable.Of(tokens.Tokens, showRevoked: all));
            }

            return ExitCodes.Success;
        }));
    }
}
