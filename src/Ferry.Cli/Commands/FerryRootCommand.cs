using System.CommandLine;

namespace Ferry.Cli.Commands;

/// <summary><c>ferry</c>: the server and the verbs that drive it.</summary>
internal sealed class FerryRootCommand : RootCommand
{
    public FerryRootCommand()
        : base("Ferry, a self-hosted MLOps platform: run the server and manage it.")
    {
        Subcommands.Add(new ServerCommand());
        Subcommands.Add(new QuickstartCommand());
        Subcommands.Add(new TokensCommand());
        Subcommands.Add(new AuditCommand());
        Subcommands.Add(new ExperimentsCommand());
        Subcommands.Add(new RunsCommand());
        Subcommands.Add(new ModelsCommand());
        Subcommands.Add(new DeployCommand());
        Subcommands.Add(new PredictCommand());
        Subcommands.Add(new Endpoints.EndpointsCommand());
        Subcommands.Add(new Monitoring.MonitorCommand());
        Subcommands.Add(new Alerts.AlertsCommand());
        Subcommands.Add(new Monitoring.DriftCommand());
    }
}
