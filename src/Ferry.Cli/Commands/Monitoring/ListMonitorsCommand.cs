using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary><c>ferry monitor list</c>.</summary>
internal sealed class ListMonitorsCommand : Command
{
    public ListMonitorsCommand(ClientOptions client)
        : base("list", "List monitors with their latest run.")
    {
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var monitors = await ferry.Monitoring.ListMonitorsAsync(cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MonitorOutput.Json(new { monitors });
            }
            else
            {
                MonitorOutput.WriteMonitors(monitors);
            }

            return ExitCodes.Success;
        }));
    }
}
