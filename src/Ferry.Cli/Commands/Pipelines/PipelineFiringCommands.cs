using System.CommandLine;
using Ferry.Cli.Commands.Monitoring;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Pipelines;

/// <summary>
/// <c>ferry pipelines firings NAME [--limit N] [--output json]</c>: what fired a pipeline (schedule, alert, new labels,
/// manual), when, why, and whether a run started. <see cref="Add"/> hooks it into the <c>ferry pipelines</c> group.
/// </summary>
internal static class PipelineFiringCommands
{
    /// <summary>Adds <c>firings</c> to the <c>pipelines</c> group, sharing the group's client options.</summary>
    public static void Add(Command pipelinesGroup, ClientOptions client)
    {
        ArgumentNullException.ThrowIfNull(pipelinesGroup);
        ArgumentNullException.ThrowIfNull(client);
        pipelinesGroup.Subcommands.Add(new FiringsCommand(client));
    }
}

/// <summary><c>ferry pipelines firings NAME</c>.</summary>
internal sealed class FiringsCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The pipeline" };

    private readonly Option<int?> _limit = new("--limit", "-n") { Description = "Most firings to list (default 100, at most 1000)", HelpName = "count" };

    public FiringsCommand(ClientOptions client)
        : base("firings", "List a pipeline's trigger firings, newest first: kind, outcome (started, cooldown, busy, disabled) and why.")
    {
        Arguments.Add(_name);
        Options.Add(_limit);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var firings = await ferry.PipelineFirings.ListAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_limit), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MonitorOutput.Json(new { firings });
                return ExitCodes.Success;
            }

            if (firings.Count == 0)
            {
                CliConsole.Line($"Pipeline '{parseResult.GetValue(_name)}' has not fired yet.");
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("At", "Kind", "Outcome", "Run", "Reason");
            foreach (var f in firings)
            {
                table.AddTextRow(f.At, f.Kind, f.Outcome, f.RunId?.ToString() ?? "-", f.Reason);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }
}
