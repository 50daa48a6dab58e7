using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Cli.Output;
using Ferry.Client;
using Ferry.Core.Contracts;
using Ferry.Core.Pipelines;
using Spectre.Console;

namespace Ferry.Cli.Commands.Pipelines;

/// <summary><c>ferry pipelines create|run|list|show|cancel|delete</c>: retraining pipelines and their runs.</summary>
internal sealed class PipelinesCommand : Command
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public PipelinesCommand(TimeProvider clock)
        : base("pipelines", "Define retraining pipelines (a training command Ferry runs with a dataset, a tracking run and a token), run, follow and cancel them.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(Create(client));
        Subcommands.Add(Run(client, clock));
        Subcommands.Add(List(client));
        Subcommands.Add(Show(client));
        Subcommands.Add(Cancel(client));
        Subcommands.Add(Delete(client));
        PipelineFiringCommands.Add(this, client);
    }

    private static Command Create(ClientOptions client)
    {
        var name = new Argument<string>("name") { Description = "The pipeline's name" };
        var endpoint = new Option<string?>("--endpoint") { Description = "The endpoint it retrains for" };
        var model = new Option<string?>("--model") { Description = "The registered model its training registers versions of" };
        var experiment = new Option<string?>("--experiment") { Description = "The experiment its runs are logged in (default pipeline/NAME)" };
        var command = new Option<string?>("--command") { Description = "The program to run, e.g. dotnet or python3 (no shell)" };
        var args = new Option<string[]>("--arg") { Description = "One argument of the command (repeat it; write --arg=--flag for one that starts with a dash)", AllowMultipleArgumentsPerToken = false };
        var workdir = new Option<string?>("--workdir") { Description = "Its working directory (absolute)" };
        var timeout = new Option<string?>("--timeout") { Description = "Killed after this long, e.g. 30m, 1h (default 1h)" };
        var memory = new Option<int?>("--memory-mb") { Description = "Address-space limit in MiB (Linux, through prlimit)" };
        var cpu = new Option<int?>("--cpu-seconds") { Description = "CPU-time limit in seconds (Linux, through prlimit)" };
        var spec = new Option<FileInfo?>("--spec") { Description = "A JSON pipeline spec (docs/loop/pipelines.md); the flags above override its command" };
        var create = new Command("create", "Create a pipeline (scientist).") { name, endpoint, model, experiment, command, args, workdir, timeout, memory, cpu, spec };
        create.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var root = parseResult.GetValue(spec) is { } file
                ? JsonNode.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken)) as JsonObject
                    ?? throw new CliException(ExitCodes.InvalidArguments, $"--spec: {file.FullName} does not hold a JSON object")
                : new JsonObject();
            var commandNode = root["command"] as JsonObject ?? new JsonObject();
            root["command"] = commandNode;
            if (parseResult.GetValue(command) is { } executable)
            {
                commandNode["executable"] = executable;
            }

            if (parseResult.GetValue(args) is { Length: > 0 } values)
            {
                commandNode["arguments"] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
            }

            if (parseResult.GetValue(workdir) is { } directory)
            {
                commandNode["workingDirectory"] = Path.GetFullPath(directory);
            }

            if (parseResult.GetValue(timeout) is { } duration)
            {
                commandNode["timeoutSeconds"] = Monitoring.Durations.Seconds(duration, "--timeout");
            }

            if (parseResult.GetValue(memory) is { } mb)
            {
                commandNode["memoryLimitMb"] = mb;
            }

            if (parseResult.GetValue(cpu) is { } seconds)
            {
                commandNode["cpuLimitSeconds"] = seconds;
            }

            using var document = JsonDocument.Parse(root.ToJsonString());
            var created = await ferry.Pipelines.CreateAsync(new PipelineBody(parseResult.GetValue(name), parseResult.GetValue(endpoint), parseResult.GetValue(model),
                parseResult.GetValue(experiment), null, document.RootElement.Clone()), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(created);
                return ExitCodes.Success;
            }

            CliConsole.Line($"Pipeline '{created.Name}' created for endpoint '{created.Endpoint}' (model '{created.Model}')");
            return ExitCodes.Success;
        }));
        return create;
    }

    private static Command Run(ClientOptions client, TimeProvider clock)
    {
        var name = new Argument<string>("name") { Description = "The pipeline" };
        var wait = new Option<bool>("--wait") { Description = "Follow the run's phases until it ends; exit 1 unless it ends promoted, rejected or no_version" };
        var run = new Command("run", "Run a pipeline now (scientist).") { name, wait };
        run.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var pipeline = parseResult.GetValue(name)!;
            var fired = await ferry.Pipelines.RunAsync(pipeline, cancellationToken);
            var json = client.OutputOf(parseResult) == OutputFormat.Json;
            var result = fired.Run;
            if (parseResult.GetValue(wait))
            {
                result = await WaitAsync(ferry, result, json, clock, cancellationToken);
            }

            if (json)
            {
                CliConsole.Json(parseResult.GetValue(wait) ? (object)result : fired);
            }
            else
            {
                CliConsole.Line($"Pipeline '{pipeline}' run {result.Number}: {result.Phase}" + (result.Error is null ? string.Empty : $" ({result.Error})"));
            }

            return !parseResult.GetValue(wait) || result.Phase is not (LoopPhases.Failed or LoopPhases.Cancelled or LoopPhases.RolledBack) ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return run;
    }

    private static Command List(ClientOptions client)
    {
        var endpoint = new Option<string?>("--endpoint") { Description = "Only this endpoint's pipelines" };
        var list = new Command("list", "List pipelines.") { endpoint };
        list.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var pipelines = await ferry.Pipelines.ListAsync(parseResult.GetValue(endpoint), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(new { pipelines });
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Name", "Endpoint", "Model", "Enabled", "Command");
            foreach (var p in pipelines)
            {
                var command = p.Spec.GetProperty("command");
                var arguments = command.TryGetProperty("arguments", out var a) ? string.Join(' ', a.EnumerateArray().Select(x => x.GetString())) : string.Empty;
                table.AddTextRow(p.Name, p.Endpoint, p.Model, p.Enabled ? "yes" : "no", $"{command.GetProperty("executable").GetString()} {arguments}".Trim());
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
        return list;
    }

    private static Command Show(ClientOptions client)
    {
        var name = new Argument<string>("name") { Description = "The pipeline" };
        var number = new Option<int?>("--run") { Description = "Show this run (with its log tails) instead of the pipeline and its runs" };
        var show = new Command("show", "Show a pipeline and its recent runs, or one run.") { name, number };
        show.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var pipeline = parseResult.GetValue(name)!;
            var json = client.OutputOf(parseResult) == OutputFormat.Json;
            if (parseResult.GetValue(number) is { } n)
            {
                var run = await ferry.Pipelines.GetRunAsync(pipeline, n, cancellationToken);
                if (json)
                {
                    CliConsole.Json(run);
                    return ExitCodes.Success;
                }

                CliConsole.Line($"Run {run.Number} of '{run.Pipeline}': {run.Phase} (process {run.Status}{(run.ExitCode is { } code ? $", exit {code}" : string.Empty)})");
                CliConsole.Line($"Trigger: {run.Trigger} — {run.TriggerReason}");
                CliConsole.Line($"Tracking run: {run.Links.TrackingRunId ?? "-"}; dataset: {run.Links.DatasetId?.ToString() ?? "-"}; " +
                    $"champion: {run.Links.ChampionVersion ?? "-"}; challenger: {run.Links.ChallengerVersion ?? "-"}");
                if (run.Error is not null)
                {
                    CliConsole.Line($"Error: {run.Error}");
                }

                if (run.Logs is { } logs)
                {
                    CliConsole.Line("--- stdout (last lines)");
                    CliConsole.Line(logs.Stdout);
                    CliConsole.Line("--- stderr (last lines)");
                    CliConsole.Line(logs.Stderr);
                }

                return ExitCodes.Success;
            }

            var view = await ferry.Pipelines.GetAsync(pipeline, cancellationToken);
            var runs = await ferry.Pipelines.ListRunsAsync(pipeline, 20, cancellationToken);
            if (json)
            {
                CliConsole.Json(new { pipeline = view, runs });
                return ExitCodes.Success;
            }

            CliConsole.Line($"Pipeline '{view.Name}': endpoint '{view.Endpoint}', model '{view.Model}', {(view.Enabled ? "enabled" : "disabled")}");
            CliConsole.Line(JsonSerializer.Serialize(view.Spec, Indented));
            var table = TableFormat.Create("Run", "Phase", "Status", "Trigger", "Queued", "Challenger", "Error");
            foreach (var r in runs)
            {
                table.AddTextRow(r.Number.ToString(CultureInfo.InvariantCulture), r.Phase, r.Status, r.Trigger, r.QueuedAt.ToString("u", CultureInfo.InvariantCulture),
                    r.Links.ChallengerVersion ?? "-", r.Error ?? string.Empty);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
        return show;
    }

    private static Command Cancel(ClientOptions client)
    {
        var name = new Argument<string>("name") { Description = "The pipeline" };
        var number = new Argument<int>("number") { Description = "The run's number" };
        var cancel = new Command("cancel", "Cancel a queued run or kill a training one (scientist).") { name, number };
        cancel.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var run = await ferry.Pipelines.CancelAsync(parseResult.GetValue(name)!, parseResult.GetValue(number), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(run);
                return ExitCodes.Success;
            }

            CliConsole.Line($"Run {run.Number} of '{run.Pipeline}' {run.Phase}");
            return ExitCodes.Success;
        }));
        return cancel;
    }

    private static Command Delete(ClientOptions client)
    {
        var name = new Argument<string>("name") { Description = "The pipeline" };
        var delete = new Command("delete", "Delete a pipeline; its runs stay (scientist).") { name };
        delete.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            await ferry.Pipelines.DeleteAsync(parseResult.GetValue(name)!, cancellationToken);
            CliConsole.Line($"Pipeline '{parseResult.GetValue(name)}' deleted");
            return ExitCodes.Success;
        }));
        return delete;
    }

    /// <summary>Polls the run once a second until its phase is terminal, with a status line on stderr when a person watches.</summary>
    private static async Task<PipelineRunView> WaitAsync(FerryClient ferry, PipelineRunView run, bool json, TimeProvider clock, CancellationToken cancellationToken)
    {
        async Task<PipelineRunView> PollAsync(Action<PipelineRunView>? report)
        {
            report?.Invoke(run);
            while (!LoopPhases.IsTerminal(run.Phase))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
                run = await ferry.Pipelines.GetRunAsync(run.Pipeline, run.Number, cancellationToken);
                report?.Invoke(run);
            }

            return run;
        }

        if (json || Console.IsErrorRedirected)
        {
            return await PollAsync(null);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Status().StartAsync($"Run {run.Number} of '{run.Pipeline}': {run.Phase}", context =>
            PollAsync(r => context.Status($"Run {r.Number} of '{r.Pipeline}': {r.Phase} (process {r.Status})")));
    }
}
