using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary><c>ferry endpoints rollback &lt;name&gt;</c>: re-activates the previous policy as a new revision.</summary>
internal sealed class RollbackEndpointCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };

    public RollbackEndpointCommand(ClientOptions client)
        : base("rollback", "Switch an endpoint back to the policy before the active one.")
    {
        Arguments.Add(_name);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var endpoint = await ferry.Endpoints.RollbackAsync(parseResult.GetValue(_name)!, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(endpoint);
            }
            else
            {
                CliConsole.Line($"Rolled back '{endpoint.Name}': revision {endpoint.ActiveRevision} is active.");
                EndpointOutput.WriteRoutes(endpoint.Routes);
            }

            return ExitCodes.Success;
        }));
    }
}
