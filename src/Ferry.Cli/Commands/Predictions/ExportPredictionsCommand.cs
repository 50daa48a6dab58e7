using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Output;
using Ferry.Client;
using Parquet;
using Spectre.Console;

namespace Ferry.Cli.Commands.Predictions;

/// <summary>
/// <c>ferry predictions export --endpoint E --from T --to T --output f.parquet [--force] [--format table|json]</c>: the
/// predictions served in [from, to) as a Parquet file, downloaded through a temporary file renamed into place.
/// </summary>
internal sealed class ExportPredictionsCommand : Command
{
    private readonly Option<string> _endpoint = new("--endpoint") { Description = "The endpoint whose prediction log is read", Required = true };
    private readonly Option<DateTimeOffset> _from = new("--from") { Description = "Start of the window, inclusive (ISO 8601; UTC unless it names an offset)", Required = true, HelpName = "time" };
    private readonly Option<DateTimeOffset> _to = new("--to") { Description = "End of the window, exclusive (ISO 8601)", Required = true, HelpName = "time" };
    private readonly Option<FileInfo> _file = new("--output", "-o") { Description = "The Parquet file to write", Required = true, HelpName = "file" };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite the file if it exists" };
    private readonly Option<string> _format = CreateFormat();

    public ExportPredictionsCommand(ClientOptions client)
        : base("export", "Export the predictions an endpoint served in [--from, --to) to a Parquet file: typed inputs, outputs, feedback, subject hash, erasure.")
    {
        Options.Add(_endpoint);
        Options.Add(_from);
        Options.Add(_to);
        Options.Add(_file);
        Options.Add(_force);
        Options.Add(_format);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var file = parseResult.GetValue(_file)!;
            var from = parseResult.GetValue(_from);
            var to = parseResult.GetValue(_to);
            if (to < from)
            {
                throw new CliException(ExitCodes.InvalidArguments, "--to must not be earlier than --from");
            }

            if (file.Exists && !parseResult.GetValue(_force))
            {
                throw new CliException(ExitCodes.InvalidArguments, $"{file.FullName} exists; pass --force to overwrite it");
            }

            return client.RunAsync(parseResult, async ferry =>
            {
                var endpoint = parseResult.GetValue(_endpoint)!;
                var json = string.Equals(parseResult.GetValue(_format), "json", StringComparison.Ordinal);
                var bytes = await DownloadAsync(ferry, endpoint, from, to, file, json, cancellationToken);
                var summary = new ExportSummary(endpoint, from, to, file.FullName, await CountRowsAsync(file.FullName, cancellationToken), bytes);
                if (json)
                {
                    CliConsole.Json(summary);
                }
                else
                {
                    CliConsole.Line(string.Create(CultureInfo.InvariantCulture,
                        $"Exported {summary.Rows:N0} predictions of {endpoint} ({summary.Bytes:N0} bytes) to {summary.Path}"));
                }

                return ExitCodes.Success;
            });
        });
    }

    /// <summary>Downloads into a temporary file renamed into place, with a byte counter on stderr while a person watches.</summary>
    private static async Task<long> DownloadAsync(
        FerryClient ferry, string endpoint, DateTimeOffset from, DateTimeOffset to, FileInfo file, bool json, CancellationToken cancellationToken)
    {
        var temporary = file.FullName + ".part";
        try
        {
            long bytes;
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                if (json || Console.IsErrorRedirected)
                {
                    bytes = await ferry.Predictions.ExportAsync(endpoint, from, to, stream, null, cancellationToken);
                }
                else
                {
                    var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                    bytes = await console.Progress()
                        .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new ElapsedTimeColumn())
                        .StartAsync(async context =>
                        {
                            var task = context.AddTask($"Exporting {Markup.Escape(endpoint)}'s predictions").IsIndeterminate();
                            var received = await ferry.Predictions.ExportAsync(endpoint, from, to, stream, new Progress<long>(b => task.Value = b), cancellationToken);
                            task.MaxValue = Math.Max(1, received);
                            task.Value = task.MaxValue;
                            task.StopTask();
                            return received;
                        });
                }
            }

            File.Move(temporary, file.FullName, overwrite: true);
            return bytes;
        }
        catch (IOException e)
        {
            throw new CliException(ExitCodes.Failure, $"cannot write {file.FullName}: {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The file's rows, from its footer (no data is read).</summary>
    private static async Task<long> CountRowsAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, null, false, cancellationToken);
        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            rows += group.RowCount;
        }

        return rows;
    }

    private static Option<string> CreateFormat()
    {
        var format = new Option<string>("--format")
        {
            Description = "How to print the summary (rows, bytes, path)",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json");
        return format;
    }

    /// <summary>What <c>--format json</c> prints.</summary>
    private sealed record ExportSummary(string Endpoint, DateTimeOffset From, DateTimeOffset To, string Path, long Rows, long Bytes);
}
