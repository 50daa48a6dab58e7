using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Identity;

/// <summary><c>ferry tokens revoke &lt;id&gt;</c>: the token stops working at once.</summary>
internal sealed class RevokeTokenCommand : Command
{
    private readonly Argument<Guid> _id = new("id")
    {
        Description = "The token's id (from 'ferry tokens list')",
    };

    public RevokeTokenCommand(ClientOptions client)
        : base("revoke", "Revoke a token.")
    {
        Arguments.Add(_id);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var token = await ferry.Tokens.RevokeAsync(parseResult.GetValue(_id), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(token);
            }
            else
            {
                CliConsole.Line($"Revoked token '{token.Name}' ({token.Id:D}).");
            }

            return ExitCodes.Success;
        }));
    }
}
