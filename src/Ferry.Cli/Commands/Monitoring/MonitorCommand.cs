using System.CommandLine;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary><c>ferry monitor</c>: create, list, show and run monitors.</summary>
internal sealed class MonitorCommand : Command
{
    public MonitorCommand()
        : base("monitor", "Create, list, show and run monitors (drift, data quality, performance) of an endpoint.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new CreateMonitorCommand(client));
        Subcommands.Add(new ListMonitorsCommand(client));
        Subcommands.Add(new ShowMonitorCommand(client));
        Subcommands.Add(new RunMonitorCommand(client));
    }
}
