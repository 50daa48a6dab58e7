using System.CommandLine;

namespace Ferry.Cli.Commands;

/// <summary><c>ferry</c>: the server and the verbs that drive it.</summary>
internal sealed class FerryRootCommand : RootCommand
{
    /// <summary>The CLI as <c>ferry</c> runs it: on the system clock.</summary>
#pragma warning disable RS0030 // composition root: the CLI's entry point runs on the system clock
    public FerryRootCommand()
        : this(TimeProvider.System)
#pragma warning restore RS0030
    {
    }

    /// <summary>The CLI on <paramref name="clock"/>: retry waits, report times and the quickstart's replayed day read it.</summary>
    public FerryRootCommand(TimeProvider clock)
        : base("Ferry, a self-hosted MLOps platform: run the server and manage it.")
    {
        Subcommands.Add(new ServerCommand());
        Subcommands.Add(new QuickstartCommand(clock));
        Subcommands.Add(new TokensCommand());
        Subcommands.Add(new Identity.GroupsCommand());
        Subcommands.Add(new Identity.GrantsCommand());
        Subcommands.Add(new AuditCommand());
        Subcommands.Add(new Subjects.SubjectsCommand());
        Subcommands.Add(new ExperimentsCommand());
        Subcommands.Add(new RunsCommand());
        Subcommands.Add(new ModelsCommand());
        Subcommands.Add(new DeployCommand());
        Subcommands.Add(new Ship.ShipCommand());
        Subcommands.Add(new Governance.GateCommand());
        Subcommands.Add(new Governance.PromoteCommand());
        Subcommands.Add(new PredictCommand(clock));
        Subcommands.Add(new Endpoints.EndpointsCommand());
        Subcommands.Add(new Monitoring.MonitorCommand());
        Subcommands.Add(new Alerts.AlertsCommand());
        Subcommands.Add(new Rollouts.RolloutsCommand());
        Subcommands.Add(new Pipelines.PipelinesCommand(clock));
        Subcommands.Add(new Evaluations.EvaluationsCommand());
        Subcommands.Add(new Datasets.DatasetsCommand());
        Subcommands.Add(new Predictions.PredictionsCommand());
        Subcommands.Add(new Monitoring.DriftCommand(clock));
    }
}
