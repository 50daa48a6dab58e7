using System.CommandLine;
using Ferry.Cli.Commands.Monitoring;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Alerts;

/// <summary><c>ferry alerts</c>: lists alerts, and manages the webhooks they are posted to.</summary>
internal sealed class AlertsCommand : Command
{
    private readonly Option<string?> _status = new("--status") { Description = "open or resolved (default both)" };

    public AlertsCommand()
        : base("alerts", "List alerts raised by monitors; 'ferry alerts webhooks' manages where they are posted.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Options.Add(_status);
        Subcommands.Add(new WebhooksCommand(client));
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var alerts = await ferry.Monitoring.ListAlertsAsync(parseResult.GetValue(_status), cancellationToken: cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MonitorOutput.Json(new { alerts });
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Status", "Monitor", "Check", "Opened", "Runs", "Finding");
            foreach (var a in alerts)
            {
                table.AddTextRow(a.Status, a.Monitor, a.Check, a.OpenedAt, a.Occurrences.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Message);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }
}

/// <summary><c>ferry alerts webhooks add|list|remove</c>.</summary>
internal sealed class WebhooksCommand : Command
{
    public WebhooksCommand(ClientOptions client)
        : base("webhooks", "Add, list and remove the webhooks alerts are posted to (JSON with a Slack-compatible 'text').")
    {
        var name = new Argument<string>("name") { Description = "The webhook's name" };
        var url = new Argument<Uri>("url") { Description = "An http(s) URL" };
        var add = new Command("add", "Add a webhook (admin).") { name, url };
        add.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var webhook = await ferry.Monitoring.AddWebhookAsync(parseResult.GetValue(name)!, parseResult.GetValue(url)!, cancellationToken);
            CliConsole.Line($"Webhook '{webhook.Name}' added ({webhook.Url})");
            return ExitCodes.Success;
        }));
        var list = new Command("list", "List webhooks (URLs shown without path or query).");
        list.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var webhooks = await ferry.Monitoring.ListWebhooksAsync(cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MonitorOutput.Json(new { webhooks });
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Name", "URL", "Added by", "At");
            foreach (var w in webhooks)
            {
                table.AddTextRow(w.Name, w.Url, w.CreatedBy, w.CreatedAt);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
        var removeName = new Argument<string>("name") { Description = "The webhook's name" };
        var remove = new Command("remove", "Remove a webhook (admin).") { removeName };
        remove.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            await ferry.Monitoring.RemoveWebhookAsync(parseResult.GetValue(removeName)!, cancellationToken);
            CliConsole.Line($"Webhook '{parseResult.GetValue(removeName)}' removed");
            return ExitCodes.Success;
        }));
        Subcommands.Add(add);
        Subcommands.Add(list);
        Subcommands.Add(remove);
    }
}
