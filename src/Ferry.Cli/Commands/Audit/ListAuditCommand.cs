using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Audit;

/// <summary><c>ferry audit list</c>: a page of audit events, filtered, in chain order.</summary>
internal sealed class ListAuditCommand : Command
{
    private readonly Option<string?> _actor = new("--actor") { Description = "Exact actor (token name, or 'system')" };
    private readonly Option<string?> _action = new("--action") { Description = "Exact action, or a prefix ending in '.' (token.)" };
    private readonly Option<string?> _target = new("--target") { Description = "Exact target, or a prefix ending in '/' (token/)" };
    private readonly Option<DateTimeOffset?> _from = new("--from") { Description = "Events at or after this time (ISO 8601)", HelpName = "time" };
    private readonly Option<DateTimeOffset?> _to = new("--to") { Description = "Events strictly before this time (ISO 8601)", HelpName = "time" };
    private readonly Option<long?> _after = new("--after") { Description = "Only events after this sequence number (the next page)", HelpName = "sequence" };
    private readonly Option<int?> _limit = new("--limit") { Description = "Most events to show, 1 to 1000 [default: 100]", HelpName = "count" };

    public ListAuditCommand(ClientOptions client)
        : base("list", "List audit events.")
    {
        Options.Add(_actor);
        Options.Add(_action);
        Options.Add(_target);
        Options.Add(_from);
        Options.Add(_to);
        Options.Add(_after);
        Options.Add(_limit);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var page = await ferry.Audit.ListAsync(
                parseResult.GetValue(_actor),
                parseResult.GetValue(_action),
                parseResult.GetValue(_target),
                parseResult.GetValue(_from),
                parseResult.GetValue(_to),
                parseResult.GetValue(_after),
                parseResult.GetValue(_limit),
                cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(page);
            }
            else
            {
                WriteTable(page);
            }

            return ExitCodes.Success;
        }));
    }

    private static void WriteTable(AuditEventList page)
    {
        var table = TableFormat.Create("Seq", "Time", "Actor", "Action", "Target", "Summary");
        foreach (var e in page.Events)
        {
            table.AddTextRow(
                e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                TableFormat.Time(e.OccurredAt),
                e.Actor,
                e.Action,
                e.Target,
                TableFormat.Shorten(e.Summary.GetRawText(), 80));
        }

        CliConsole.Write(table);
        if (page.NextAfter is { } next)
        {
            CliConsole.Markup($"[grey]More events: add --after {next}[/]");
        }
    }
}
