using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary><c>ferry monitor show NAME</c>: the monitor and its latest report.</summary>
internal sealed class ShowMonitorCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The monitor" };

    public ShowMonitorCommand(ClientOptions client)
        : base("show", "Show a monitor and its latest report.")
    {
        Arguments.Add(_name);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var monitor = await ferry.Monitoring.GetMonitorAsync(parseResult.GetValue(_name)!, cancellationToken);
            var report = monitor.LastReport is { } last ? await ferry.Monitoring.GetReportAsync(monitor.Name, last.Id, cancellationToken) : null;
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MonitorOutput.Json(new { monitor, report });
                return ExitCodes.Success;
            }

            MonitorOutput.WriteMonitors([monitor]);
            if (report is null)
            {
                CliConsole.Line("No run yet: 'ferry monitor run " + monitor.Name + "' runs it now.");
            }
            else
            {
                MonitorOutput.WriteReport(report);
            }

            return ExitCodes.Success;
        }));
    }
}
