using System.CommandLine;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Client.Monitoring;
using Ferry.Core.Monitoring;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary><c>ferry monitor create NAME --endpoint E</c>: creates or replaces a monitor from options or a JSON spec file.</summary>
internal sealed class CreateMonitorCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The monitor's name" };
    private readonly Option<string> _endpoint = new("--endpoint") { Description = "The endpoint to watch", Required = true };
    private readonly Option<FileInfo?> _spec = new("--spec") { Description = "A JSON monitor spec (the options below override its fields)" };
    private readonly Option<string?> _window = new("--window") { Description = "Window each run looks back over (e.g. 1d, 6h; default 1d)" };
    private readonly Option<string?> _schedule = new("--schedule") { Description = "Quartz cron schedule, seconds first (e.g. \"0 0 * * * ?\" = hourly); default on demand" };
    private readonly Option<string?> _method = new("--drift-method") { Description = "Drift method for every feature: ks, chisquare, ztest, psi, jensenshannon, wasserstein (default: by column type and reference size)" };
    private readonly Option<double?> _threshold = new("--drift-threshold") { Description = "Drift threshold (p-value for ks/chisquare/ztest, distance otherwise)" };
    private readonly Option<string?> _metric = new("--metric") { Description = "Performance metric: accuracy, precision, recall, f1, roc_auc, log_loss, brier, mae, rmse, r2" };
    private readonly Option<double?> _min = new("--min") { Description = "Lowest acceptable value of --metric" };
    private readonly Option<double?> _max = new("--max") { Description = "Highest acceptable value of --metric (errors)" };
    private readonly Option<string?> _slice = new("--slice-by") { Description = "Feature whose values slice the realized metrics (e.g. region)" };

    public CreateMonitorCommand(ClientOptions client)
        : base("create", "Create or replace a monitor.")
    {
        Arguments.Add(_name);
        foreach (var option in new Option[] { _endpoint, _spec, _window, _schedule, _method, _threshold, _metric, _min, _max, _slice })
        {
            Options.Add(option);
        }

        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var spec = await ReadSpecAsync(parseResult.GetValue(_spec), cancellationToken);
            if (parseResult.GetValue(_window) is { } window)
            {
                spec = spec with { WindowSeconds = Durations.Seconds(window, "--window") };
            }

            if (parseResult.GetValue(_schedule) is { } schedule)
            {
                spec = spec with { Schedule = schedule };
            }

            if (parseResult.GetValue(_method) is { } method || parseResult.GetValue(_threshold) is not null)
            {
                spec = spec with { Drift = (spec.Drift ?? new DriftCheckSpec()) with { Method = parseResult.GetValue(_method) ?? spec.Drift?.Method, Threshold = parseResult.GetValue(_threshold) ?? spec.Drift?.Threshold } };
            }

            if (parseResult.GetValue(_metric) is { } metric)
            {
                spec = spec with
                {
                    Performance = (spec.Performance ?? new PerformanceCheckSpec()) with
                    {
                        Metric = metric,
                        Min = parseResult.GetValue(_min),
                        Max = parseResult.GetValue(_max),
                        SliceBy = parseResult.GetValue(_slice),
                    },
                };
            }

            var monitor = await ferry.Monitoring.SaveMonitorAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_endpoint)!, spec, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MonitorOutput.Json(monitor);
                return ExitCodes.Success;
            }

            CliConsole.Line($"Monitor '{monitor.Name}' watches '{monitor.Endpoint}' over {Durations.Text(monitor.Spec.WindowSeconds)}"
                + (monitor.NextRunAt is { } next ? $"; next run {next}" : "; runs on demand ('ferry monitor run')"));
            return ExitCodes.Success;
        }));
    }

    private static async Task<MonitorSpec> ReadSpecAsync(FileInfo? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return new MonitorSpec();
        }

        if (!file.Exists)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"no such file: {file.FullName}");
        }

        try
        {
            await using var stream = file.OpenRead();
            return await JsonSerializer.DeserializeAsync<MonitorSpec>(stream, MonitoringClient.JsonOptions, cancellationToken) ?? new MonitorSpec();
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name}: not a monitor spec: {e.Message}", e);
        }
    }
}
