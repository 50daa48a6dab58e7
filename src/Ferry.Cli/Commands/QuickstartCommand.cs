using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ferry.Cli.Output;
using Ferry.Cli.Quickstart;
using Ferry.Cli.Settings;
using Ferry.Client;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Ferry.Cli.Commands;

/// <summary>
/// <c>ferry quickstart</c>: starts Ferry on embedded defaults in its own data directory, trains, registers and deploys
/// the credit-risk model, replays a day of traffic with a shift at noon and late ground truth, runs the monitors, then
/// prints the dashboard's address and keeps serving until Ctrl+C (<c>--exit</c> stops at once).
/// </summary>
internal sealed class QuickstartCommand : Command
{
    private readonly TimeProvider _clock;

    private readonly Option<int?> _port = new("--port", "-p")
    {
        Description = $"Port to listen on; 0 picks a free one [default: {FerryServerOptions.DefaultPort}]",
        HelpName = "port",
    };

    private readonly Option<string?> _dataDirectory = new("--data-dir")
    {
        Description = "The quickstart's own data directory, emptied on every run [default: ~/.ferry-quickstart]",
        HelpName = "path",
    };

    private readonly Option<bool> _exit = new("--exit")
    {
        Description = "Stop the server once the quickstart is done instead of serving until Ctrl+C",
    };

    public QuickstartCommand(TimeProvider clock)
        : base("quickstart", "Start Ferry with a trained, deployed and monitored credit-risk model and a day of traffic, then open the dashboard.")
    {
        _clock = clock;
        Options.Add(_port);
        Options.Add(_dataDirectory);
        Options.Add(_exit);
        this.SetGuardedAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var dataDirectory = Path.GetFullPath(parseResult.GetValue(_dataDirectory) ?? QuickstartDirectory.Default());
        QuickstartDirectory.Prepare(dataDirectory);
        var clock = new SimulatedClock(_clock);
        var options = new FerryServerOptions
        {
            DataDirectory = dataDirectory,
            Port = parseResult.GetValue(_port) ?? FerryServerOptions.DefaultPort,
            PrintAdminToken = false,
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Error,
        };
        StorageOptions.ResolveConnection(options.Database, options.DataDirectory);

        await using var app = FerryHost.Build(options, clock);
        Uri server;
        QuickstartSummary summary;
        try
        {
            (server, summary) = await WithProgressAsync(async progress =>
            {
                await app.StartAsync(cancellationToken);
                await app.Services.GetRequiredService<DatabaseReadiness>().Initialized.WaitAsync(cancellationToken);
                var address = Address(app);
                progress.Report(QuickstartStage.Server, 1, address.OriginalString);
                var token = (await File.ReadAllTextAsync(FerryServerOptions.AdminTokenFile(dataDirectory), cancellationToken)).Trim();
                using var ferry = new FerryClient(address, token);
                var work = Path.Combine(dataDirectory, "work");
                var scenario = new QuickstartScenario(ferry, clock, progress, work, new QuickstartLoop(app.Services, _clock));
                var result = await scenario.RunAsync(WholeHour(_clock.GetUtcNow().AddMinutes(-5)), cancellationToken);
                clock.FollowSystem();
                return (address, result);
            });
        }
        catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.Failure, $"port {options.Port} is in use (is `ferry server` running?); pass --port to pick another", e);
        }
        catch (FerryApiException e)
        {
            throw new CliException(ApiErrors.ExitCodeFor(e.StatusCode), e.Message, e);
        }

        PrintSummary(server, dataDirectory, summary, started.Elapsed);
        if (parseResult.GetValue(_exit))
        {
            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        }

        // Ctrl+C or SIGTERM stops the host gracefully; WaitForShutdownAsync returns once it has stopped.
        CliConsole.Line("Ferry keeps running; press Ctrl+C to stop.");
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Success;
    }

    private static async Task<T> WithProgressAsync<T>(Func<IQuickstartProgress, Task<T>> run)
    {
        if (Console.IsOutputRedirected)
        {
            return await run(new LineProgress());
        }

        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = QuickstartStage.All.ToDictionary(stage => stage, stage => context.AddTask(Markup.Escape(stage.Title), autoStart: false, maxValue: stage.Steps));
                return await run(new BarProgress(tasks));
            });
    }

    private static void PrintSummary(Uri server, string dataDirectory, QuickstartSummary summary, TimeSpan elapsed)
    {
        var tokenFile = FerryServerOptions.AdminTokenFile(dataDirectory);
        var dashboard = new Uri(server, "/ui");
        CliConsole.Line();
        CliConsole.Line(string.Create(CultureInfo.InvariantCulture, $"Quickstart done in {elapsed.TotalSeconds:0.0} s."));
        CliConsole.Line(string.Create(CultureInfo.InvariantCulture,
            $"  Model:      {summary.Training.ModelName} version {summary.Training.Version}, ROC AUC {summary.Training.Auc:0.000} on the holdout (run {summary.Training.RunId})"));
        CliConsole.Line(string.Create(CultureInfo.InvariantCulture,
            $"  Traffic:    {summary.Served:N0} applications over the last 24 hours, {summary.Refusals:N0} refused by the policy (score ≥ 0.2), {summary.RefusedRequests} malformed requests"));
        CliConsole.Line(string.Create(CultureInfo.InvariantCulture,
            $"  Truth:      {summary.Labelled:N0} outcomes arrived, {QuickstartScenario.TruthDelayHours} hours late (the first {QuickstartScenario.HoursWithTruth} hours)"));
        CliConsole.Line(string.Create(CultureInfo.InvariantCulture, $"  Alerts:     {summary.OpenAlerts.Count} open") +
            (summary.OpenAlerts.Count == 0 ? string.Empty : ": " + string.Join(", ", summary.OpenAlerts.Select(a => a.Check).Order(StringComparer.Ordinal))));
        var loop = summary.Loop?.Lines().ToList() ?? ["the retraining pipeline never fired"];
        for (var i = 0; i < loop.Count; i++)
        {
            CliConsole.Line((i == 0 ? "  Loop:       " : "              ") + loop[i]);
        }
        CliConsole.Line();
        CliConsole.Line($"Dashboard:    {dashboard}  (sign in with the admin token)");
        CliConsole.Line($"Admin token:  {tokenFile}");
        CliConsole.Line($"Other verbs:  export FERRY_URL={server.OriginalString.TrimEnd('/')} FERRY_TOKEN=$(cat {tokenFile}); ./ferry alerts");
    }

    private static Uri Address(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new CliException(ExitCodes.Failure, "the server did not report the address it listens on");
        return new Uri(first.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    private static DateTimeOffset WholeHour(DateTimeOffset now) => new(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);

    private sealed class BarProgress(Dictionary<QuickstartStage, ProgressTask> tasks) : IQuickstartProgress
    {
        public void Report(QuickstartStage stage, int done, string? detail = null)
        {
            foreach (var (other, task) in tasks)
            {
                if (other == stage)
                {
                    break;
                }

                task.Value = task.MaxValue;
            }

            var current = tasks[stage];
            current.StartTask();
            current.Value = done;
            current.Description = Markup.Escape(detail is null ? stage.Title : $"{stage.Title}: {Shorten(detail)}");
        }

        private static string Shorten(string text) => text.Length <= 36 ? text : text[..35] + "…";
    }

    private sealed class LineProgress : IQuickstartProgress
    {
        public void Report(QuickstartStage stage, int done, string? detail = null) =>
            CliConsole.Line(string.Create(CultureInfo.InvariantCulture, $"[{done}/{stage.Steps}] {stage.Title}{(detail is null ? string.Empty : ": " + detail)}"));
    }
}
