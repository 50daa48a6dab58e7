using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Core.Monitoring;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary><c>ferry monitor run NAME</c>: runs it now and prints the report; exit code 1 when a check failed.</summary>
internal sealed class RunMonitorCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The monitor" };
    private readonly Option<DateTimeOffset?> _end = new("--end") { Description = "End of the window (ISO 8601; default now)" };

    public RunMonitorCommand(ClientOptions client)
        : base("run", "Run a monitor now and print its report (exit code 1 when a check failed).")
    {
        Arguments.Add(_name);
        Options.Add(_end);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var report = await ferry.Monitoring.RunMonitorAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_end), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MonitorOutput.Json(report);
            }
            else
            {
                MonitorOutput.WriteReport(report);
            }

            return report.Status == ReportStatus.Failed ? ExitCodes.Failure : ExitCodes.Success;
        }));
    }
}
