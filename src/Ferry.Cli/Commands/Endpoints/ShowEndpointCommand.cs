using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary><c>ferry endpoints show &lt;name&gt;</c>: the active routes (aliases resolved) and every revision.</summary>
internal sealed class ShowEndpointCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };

    public ShowEndpointCommand(ClientOptions client)
        : base("show", "Show an endpoint: active routes, batching and history.")
    {
        Arguments.Add(_name);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var endpoint = await ferry.Endpoints.GetAsync(parseResult.GetValue(_name)!, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(endpoint);
                return ExitCodes.Success;
            }

            var batching = endpoint.Batching.MaxBatchSize <= 1
                ? "batching off"
                : $"batching up to {endpoint.Batching.MaxBatchSize} rows, waiting at most {endpoint.Batching.MaxDelayMicros} µs";
            CliConsole.Line($"{endpoint.Name}: revision {endpoint.ActiveRevision} active, {batching}, {endpoint.Durability} prediction log, /invocations answers {endpoint.InvocationsOutput}");
            SuspensionOutput.Write(endpoint);
            EndpointOutput.WriteRoutes(endpoint.Routes);
            var history = TableFormat.Create("Revision", "Active", "Routes", "By", "At");
            foreach (var revision in endpoint.History.Reverse())
            {
                history.AddTextRow(
                    revision.Revision.ToString(CultureInfo.InvariantCulture),
                    revision.Active ? "yes" : "",
                    EndpointOutput.Summary(revision.Routes),
                    revision.CreatedBy,
                    TableFormat.Time(revision.CreatedAt));
            }

            CliConsole.Write(history);
            return ExitCodes.Success;
        }));
    }
}
