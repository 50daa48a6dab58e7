using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;
using Ferry.Core.Pipelines;

namespace Ferry.Cli.Commands.Rollouts;

/// <summary><c>ferry rollouts start|list|show|cancel</c>: guarded canary ramps.</summary>
internal sealed class RolloutsCommand : Command
{
    public RolloutsCommand()
        : base("rollouts", "Guarded canary ramps: start one by hand, list, show (steps and events), cancel.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(Start(client));
        Subcommands.Add(List(client));
        Subcommands.Add(Show(client));
        Subcommands.Add(Cancel(client));
    }

    private static Command Start(ClientOptions client)
    {
        var endpoint = new Argument<string>("endpoint") { Description = "The endpoint" };
        var model = new Option<string>("--model") { Description = "The registered model the endpoint serves", Required = true };
        var version = new Option<int>("--version") { Description = "The challenger version", Required = true };
        var steps = new Option<string?>("--steps") { Description = "Traffic shares in percent, comma-separated, ending at 100 (default 10,50,100)" };
        var hold = new Option<double?>("--hold-minutes") { Description = "Hold per step (default 30)" };
        var maxErrorRate = new Option<double?>("--max-error-rate") { Description = "Highest share of failed requests (default 0.01)" };
        var maxP99 = new Option<double?>("--max-p99-ms") { Description = "Highest p99 latency in ms (default 250)" };
        var maxDrift = new Option<double?>("--max-drift") { Description = "Highest Jensen–Shannon distance of the scores (default 0.2)" };
        var maxDrop = new Option<double?>("--max-metric-drop") { Description = "Largest drop of the realized metric (default 0.05)" };
        var minRows = new Option<int?>("--min-rows") { Description = "Fewest challenger rows before a step is judged (default 50)" };
        var alias = new Option<string?>("--alias") { Description = "The alias moved when it is promoted (default champion)" };
        var force = new Option<bool>("--force") { Description = "Deploy even when the challenger's signature refuses records the champion accepts" };
        var command = new Command("start", "Start a guarded canary ramp of a version on an endpoint (scientist).")
        {
            endpoint, model, version, steps, hold, maxErrorRate, maxP99, maxDrift, maxDrop, minRows, alias, force,
        };
        command.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var defaults = new RampGuards();
            var guards = new RampGuards
            {
                MaxErrorRate = parseResult.GetValue(maxErrorRate) ?? defaults.MaxErrorRate,
                MaxP99Ms = parseResult.GetValue(maxP99) ?? defaults.MaxP99Ms,
                MaxPredictionDrift = parseResult.GetValue(maxDrift) ?? defaults.MaxPredictionDrift,
                MaxMetricDrop = parseResult.GetValue(maxDrop) ?? defaults.MaxMetricDrop,
                MinRows = parseResult.GetValue(minRows) ?? defaults.MinRows,
            };
            var stepList = parseResult.GetValue(steps) is { } text
                ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList()
                : null;
            var rollout = await ferry.Rollouts.StartAsync(parseResult.GetValue(endpoint)!, new StartRolloutRequest(parseResult.GetValue(model), parseResult.GetValue(version),
                stepList, parseResult.GetValue(hold), guards, parseResult.GetValue(alias), parseResult.GetValue(force)), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(rollout);
                return ExitCodes.Success;
            }

            CliConsole.Line($"Ramp {rollout.Id} started on '{rollout.Endpoint}': v{rollout.ChallengerVersion} takes {rollout.Percent} % (steps {string.Join(", ", rollout.Steps)}, {rollout.HoldMinutes} min each)");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command List(ClientOptions client)
    {
        var endpoint = new Option<string?>("--endpoint") { Description = "Only this endpoint's ramps" };
        var active = new Option<bool>("--active") { Description = "Only ramps still moving" };
        var command = new Command("list", "List ramps, newest first.") { endpoint, active };
        command.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var rollouts = await ferry.Rollouts.ListAsync(parseResult.GetValue(endpoint), parseResult.GetValue(active), cancellationToken: cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(new { rollouts });
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Id", "Endpoint", "Model", "Champion", "Challenger", "Status", "Percent", "Started", "Reason");
            foreach (var r in rollouts)
            {
                table.AddTextRow(r.Id.ToString("D", CultureInfo.InvariantCulture), r.Endpoint, r.Model, Text(r.ChampionVersion), Text(r.ChallengerVersion), r.Status, Text(r.Percent),
                    r.StartedAt.ToString("u", CultureInfo.InvariantCulture), r.Reason ?? string.Empty);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(ClientOptions client)
    {
        var id = new Argument<Guid>("id") { Description = "The ramp's id" };
        var command = new Command("show", "Show a ramp: its steps, guards and events.") { id };
        command.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var rollout = await ferry.Rollouts.GetAsync(parseResult.GetValue(id), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(rollout);
                return ExitCodes.Success;
            }

            CliConsole.Line($"Ramp {rollout.Id} on '{rollout.Endpoint}': {rollout.Model} v{rollout.ChampionVersion} → v{rollout.ChallengerVersion}, {rollout.Status} at {rollout.Percent} %");
            CliConsole.Line($"Steps {string.Join(" → ", rollout.Steps.Select(s => $"{s} %"))}, {rollout.HoldMinutes} min each; alias '{rollout.Alias}'; baseline revision {rollout.BaselineRevision}");
            if (rollout.Reason is { } reason)
            {
                CliConsole.Line(reason);
            }

            var table = TableFormat.Create("At", "Event", "Percent", "Detail");
            foreach (var e in rollout.Events ?? [])
            {
                table.AddTextRow(e.At.ToString("u", CultureInfo.InvariantCulture), e.Kind, Text(e.Percent), e.Detail);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Cancel(ClientOptions client)
    {
        var id = new Argument<Guid>("id") { Description = "The ramp's id" };
        var command = new Command("cancel", "Cancel a ramp: the endpoint goes back to its routes before it (scientist).") { id };
        command.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var rollout = await ferry.Rollouts.CancelAsync(parseResult.GetValue(id), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(rollout);
                return ExitCodes.Success;
            }

            CliConsole.Line($"Ramp {rollout.Id} cancelled; '{rollout.Endpoint}' serves v{rollout.ChampionVersion} again");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
