using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Commands.Predict;
using Ferry.Cli.Output;
using Ferry.Client;
using Ferry.Core.Contracts;
using Spectre.Console;

namespace Ferry.Cli.Commands.Models;

/// <summary>
/// <c>ferry models reference NAME VERSION FILE [--label COLUMN] [--ignore COLUMN...] [--no-wait]</c>: computes a
/// version's reference profile from its training data (CSV or Parquet). Every column but the label and the ignored ones
/// (other targets, ids) is sent as a feature; with a label column, the score is calibrated for CBPE. The server builds
/// it as a job: the command shows a progress bar until the job ends (exit 0, or non-zero with the job's error);
/// <c>--no-wait</c> prints the queued job at once.
/// </summary>
internal sealed class ReferenceCommand : Command
{
    /// <summary>Most rows sent (the server's per-request limit).</summary>
    public const int MaxRows = 100_000;

    private readonly Argument<string> _name = new("name") { Description = "The registered model" };
    private readonly Argument<int> _version = new("version") { Description = "The version" };
    private readonly Argument<FileInfo> _file = new("file") { Description = "Training data: a .csv or .parquet file with one column per feature" };
    private readonly Option<string?> _label = new("--label") { Description = "The column holding the true class (enables CBPE)" };
    private readonly Option<string?> _positive = new("--positive-label") { Description = "The positive class (default: the class the model's score is the probability of)" };

    private readonly Option<string[]> _ignore = new("--ignore")
    {
        Description = "A column that is not a feature and not the label (another target, an id), left out; repeat or separate with commas",
        HelpName = "column",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<bool> _noWait = new("--no-wait") { Description = "Print the queued job and return at once instead of waiting for the reference" };

    public ReferenceCommand(ClientOptions client)
        : base("reference", "Compute a version's reference profile (for drift and CBPE) from its training data.")
    {
        Arguments.Add(_name);
        Arguments.Add(_version);
        Arguments.Add(_file);
        Options.Add(_label);
        Options.Add(_positive);
        Options.Add(_ignore);
        Options.Add(_noWait);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var file = parseResult.GetValue(_file)!;
            var label = parseResult.GetValue(_label);
            await using var source = await RowSources.OpenAsync(file, cancellationToken);
            if (label is not null && !source.Columns.Contains(label, StringComparer.Ordinal))
            {
                throw new CliException(ExitCodes.InvalidArguments, $"--label: {file.Name} has no column '{label}'");
            }

            var passthrough = new HashSet<string>(
                (parseResult.GetValue(_ignore) ?? []).SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                StringComparer.Ordinal);
            if (passthrough.FirstOrDefault(c => !source.Columns.Contains(c, StringComparer.Ordinal)) is { } missing)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"--ignore: {file.Name} has no column '{missing}'");
            }

            if (label is not null)
            {
                passthrough.Add(label);
            }
            var builder = new RecordBuilder(source.Columns, FieldKinds.For(source.Columns, null), passthrough);
            var records = new List<IReadOnlyDictionary<string, object?>>();
            var labels = label is null ? null : new List<string?>();
            await foreach (var row in source.ReadAsync(cancellationToken))
            {
                if (records.Count == MaxRows)
                {
                    throw new CliException(ExitCodes.InvalidArguments, $"{file.Name} has more than {MaxRows:N0} rows; send a sample of the training data");
                }

                records.Add(builder.Build(row));
                labels?.Add(builder.Cell(row, label!));
            }

            var json = client.OutputOf(parseResult) == OutputFormat.Json;
            var job = await ferry.Monitoring.StartReferenceAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_version), records, labels,
                parseResult.GetValue(_positive), "upload:" + file.Name, cancellationToken);
            if (parseResult.GetValue(_noWait))
            {
                if (json)
                {
                    Monitoring.MonitorOutput.Json(job);
                }
                else
                {
                    CliConsole.Line($"Reference job {job.Id} queued for {job.Model} version {job.Version} ({job.Rows:N0} rows); follow it at /api/v1/models/{job.Model}/versions/{job.Version}/reference/job");
                }

                return ExitCodes.Success;
            }

            var done = await WaitAsync(ferry, job, json, cancellationToken);
            var reference = done.Reference!;
            if (json)
            {
                Monitoring.MonitorOutput.Json(reference);
                return ExitCodes.Success;
            }

            CliConsole.Line(string.Create(CultureInfo.InvariantCulture, $"Reference of {reference.Model} version {reference.Version}: {reference.Rows:N0} rows, {reference.Columns.Count} columns")
                + (reference.Calibrated ? $", score calibrated on the labels (positive class '{reference.PositiveLabel}')" : string.Empty));
            var table = TableFormat.Create("Column", "Kind", "Present", "Missing", "Range / categories");
            foreach (var c in reference.Columns)
            {
                table.AddTextRow(c.Name, c.Kind, c.Count.ToString("N0", CultureInfo.InvariantCulture), c.Missing.ToString("N0", CultureInfo.InvariantCulture),
                    c.Kind == "numeric" && c.Min is { } min && c.Max is { } max
                        ? string.Create(CultureInfo.InvariantCulture, $"{min:G6} – {max:G6}")
                        : TableFormat.Shorten(string.Join(", ", c.Categories ?? []), 60));
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }

    /// <summary>Follows the job to its end, with a progress bar on stderr when a person watches.</summary>
    private static async Task<ReferenceJobView> WaitAsync(FerryClient ferry, ReferenceJobView job, bool json, CancellationToken cancellationToken)
    {
        if (json || Console.IsErrorRedirected)
        {
            return await ferry.Monitoring.WaitForReferenceAsync(job, null, cancellationToken);
        }

        // The bar goes to stderr so stdout keeps only the result.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Building the reference of {job.Model} v{job.Version}", maxValue: Math.Max(1, job.Total));
                var done = await ferry.Monitoring.WaitForReferenceAsync(job, new JobBar(task), cancellationToken);
                task.Value = task.MaxValue;
                return done;
            });
    }

    /// <summary>Moves the bar with the job.</summary>
    private sealed class JobBar(ProgressTask task) : IProgress<ReferenceJobView>
    {
        public void Report(ReferenceJobView value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = Math.Min(value.Done, task.MaxValue);
            task.Description = $"Reference of {value.Model} v{value.Version}: {value.Phase ?? value.State}";
        }
    }
}
