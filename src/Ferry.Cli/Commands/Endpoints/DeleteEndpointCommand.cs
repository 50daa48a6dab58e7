using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary><c>ferry endpoints delete &lt;name&gt;</c>: removes the endpoint and its policy history (the prediction log stays).</summary>
internal sealed class DeleteEndpointCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };

    public DeleteEndpointCommand(ClientOptions client)
        : base("delete", "Delete an endpoint.")
    {
        Arguments.Add(_name);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var name = parseResult.GetValue(_name)!;
            await ferry.Endpoints.DeleteAsync(name, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(new { name, deleted = true });
            }
            else
            {
                CliConsole.Line($"Deleted endpoint '{name}'.");
            }

            return ExitCodes.Success;
        }));
    }
}
