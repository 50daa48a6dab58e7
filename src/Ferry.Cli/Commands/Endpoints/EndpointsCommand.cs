using System.CommandLine;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary>
/// <c>ferry endpoints</c>: list, show, roll back, set durability and delete endpoints (list and show need a viewer; the
/// rest a scientist), and suspend or resume them (an approver).
/// </summary>
internal sealed class EndpointsCommand : Command
{
    public EndpointsCommand()
        : base("endpoints", "List, show, roll back, set durability of, suspend, resume and delete serving endpoints ('ferry deploy' creates and changes them).")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new ListEndpointsCommand(client));
        Subcommands.Add(new ShowEndpointCommand(client));
        Subcommands.Add(new RollbackEndpointCommand(client));
        Subcommands.Add(new DurabilityEndpointCommand(client));
        Subcommands.Add(new RetentionEndpointCommand(client));
        Subcommands.Add(new DeleteEndpointCommand(client));
        Subcommands.Add(new ReviewPredictionCommand(client));
        Subcommands.Add(new ReviewSettingsCommand(client));
        Subcommands.Add(new SuspendEndpointCommand(client));
        Subcommands.Add(new ResumeEndpointCommand(client));
        Subcommands.Add(new SubjectFieldEndpointCommand(client));
    }
}
