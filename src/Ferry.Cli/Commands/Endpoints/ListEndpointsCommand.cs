using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary><c>ferry endpoints list</c>: every endpoint with its active revision and routes.</summary>
internal sealed class ListEndpointsCommand : Command
{
    public ListEndpointsCommand(ClientOptions client)
        : base("list", "List endpoints.")
    {
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var endpoints = await ferry.Endpoints.ListAsync(cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(new { endpoints });
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Name", "Revision", "Routes", "Batching", "Durability", "State", "Updated");
            foreach (var endpoint in endpoints)
            {
                table.AddTextRow(
                    endpoint.Name,
                    endpoint.ActiveRevision.ToString(CultureInfo.InvariantCulture),
                    EndpointOutput.Summary(endpoint.Routes),
                    endpoint.Batching.MaxBatchSize <= 1 ? "off" : $"{endpoint.Batching.MaxBatchSize} / {endpoint.Batching.MaxDelayMicros} µs",
                    endpoint.Durability,
                    endpoint.Suspended ? "SUSPENDED" : "serving",
                    TableFormat.Time(endpoint.UpdatedAt));
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }
}
