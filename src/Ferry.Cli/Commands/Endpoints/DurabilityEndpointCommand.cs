using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary>
/// <c>ferry endpoints durability &lt;name&gt; buffered|durable</c>: whether the endpoint answers once its prediction-log
/// rows are queued (buffered) or only once they are committed (durable).
/// </summary>
internal sealed class DurabilityEndpointCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };

    private readonly Argument<string> _mode = new("mode")
    {
        Description = "buffered: answer once the rows are queued (the default); durable: answer only once they are committed",
    };

    public DurabilityEndpointCommand(ClientOptions client)
        : base("durability", "Set whether an endpoint answers before (buffered) or after (durable) its predictions are committed.")
    {
        _mode.AcceptOnlyFromAmong(EndpointDurabilityNames.Buffered, EndpointDurabilityNames.Durable);
        Arguments.Add(_name);
        Arguments.Add(_mode);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var endpoint = await ferry.Endpoints.SetDurabilityAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_mode)!, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(endpoint);
            }
            else
            {
                CliConsole.Line($"'{endpoint.Name}' is now {endpoint.Durability}.");
            }

            return ExitCodes.Success;
        }));
    }
}
