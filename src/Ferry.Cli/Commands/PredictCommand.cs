using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ferry.Cli.Commands.Predict;
using Ferry.Cli.Output;
using Ferry.Client;
using Ferry.Client.Serving;
using Spectre.Console;

namespace Ferry.Cli.Commands;

/// <summary>
/// <c>ferry predict &lt;endpoint&gt; --input data.csv|data.parquet [--output out.csv] [--batch-size 500] [--concurrency 2]
/// [--passthrough col]</c>: batch scoring. Rows are read as a stream, sent in batches with a bounded number of requests
/// in flight, and written in input order (to stdout without <c>--output</c>) with the input columns followed by
/// <c>prediction_id</c>, <c>model</c>, <c>version</c>, <c>label</c>, <c>score</c> and a <c>p_&lt;class&gt;</c> column
/// per class. Cells are typed by the endpoint's model inputs (Open Inference Protocol metadata), see
/// <see cref="FieldKinds"/>. A progress bar (rows, rows/s) goes to stderr when stderr is a terminal and the CSV does
/// not go to the same terminal.
/// </summary>
internal sealed class PredictCommand : Command
{
    private const int DefaultBatchSize = 500;
    private const int DefaultConcurrency = 2;

    private readonly Argument<string> _endpoint = new("endpoint") { Description = "The endpoint to score with" };
    private readonly Option<FileInfo> _input = new("--input", "-i") { Description = "Rows to score: a .csv file with a header row, or a .parquet file", Required = true, HelpName = "file" };
    private readonly Option<FileInfo?> _output = new("--output", "-o") { Description = "Where to write the scored CSV [default: stdout]", HelpName = "file" };
    private readonly Option<int> _batchSize = new("--batch-size") { Description = "Rows per request, 1-100000", DefaultValueFactory = _ => DefaultBatchSize, HelpName = "rows" };
    private readonly Option<int> _concurrency = new("--concurrency") { Description = "Requests in flight at once, 1-64", DefaultValueFactory = _ => DefaultConcurrency, HelpName = "requests" };

    private readonly Option<string[]> _passthrough = new("--passthrough")
    {
        Description = "A column to copy to the output without sending it (an id, the true label); repeat or separate with commas",
        HelpName = "column",
        AllowMultipleArgumentsPerToken = true,
    };

    public PredictCommand(TimeProvider clock)
        : base("predict", "Score a CSV or Parquet file against an endpoint, streaming, into a CSV of predictions.")
    {
        var client = new ClientOptions();
        Options.Add(client.Server);
        Options.Add(client.Token);
        Options.Add(client.DataDirectory);
        Arguments.Add(_endpoint);
        Options.Add(_input);
        Options.Add(_output);
        Options.Add(_batchSize);
        Options.Add(_concurrency);
        Options.Add(_passthrough);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var batchSize = parseResult.GetValue(_batchSize);
            var concurrency = parseResult.GetValue(_concurrency);
            if (batchSize is < 1 or > 100_000)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"--batch-size must be from 1 to 100000, not {batchSize}");
            }

            if (concurrency is < 1 or > 64)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"--concurrency must be from 1 to 64, not {concurrency}");
            }

            var endpoint = parseResult.GetValue(_endpoint)!;
            var input = parseResult.GetValue(_input)!;
            var output = parseResult.GetValue(_output);
            var passthrough = (parseResult.GetValue(_passthrough) ?? [])
                .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToHashSet(StringComparer.Ordinal);
            return client.RunAsync(parseResult, ferry =>
                ScoreAsync(ferry, endpoint, input, output, passthrough, new BatchScorer(ferry.Predictions, endpoint, batchSize, concurrency, clock), cancellationToken));
        });
    }

    private static async Task<int> ScoreAsync(
        FerryClient ferry, string endpoint, FileInfo input, FileInfo? output, IReadOnlySet<string> passthrough, BatchScorer scorer, CancellationToken cancellationToken)
    {
        var metadata = await MetadataAsync(ferry, endpoint, cancellationToken);
        await using var source = await RowSources.OpenAsync(input, cancellationToken);
        if (passthrough.FirstOrDefault(p => !source.Columns.Contains(p, StringComparer.Ordinal)) is { } missing)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"--passthrough: {input.Name} has no column '{missing}'");
        }

        var records = new RecordBuilder(source.Columns, FieldKinds.For(source.Columns, metadata), passthrough);
        if (records.SentColumns == 0)
        {
            throw new CliException(ExitCodes.InvalidArguments, "every column is --passthrough; nothing would be sent to the endpoint");
        }

        var stream = output is null ? Console.OpenStandardOutput() : OpenOutput(output);
        await using var writer = new PredictionCsvWriter(stream, source.Columns, message => Console.Error.WriteLine("warning: " + message));
        var clock = Stopwatch.StartNew();
        var showBar = !Console.IsErrorRedirected && (output is not null || Console.IsOutputRedirected);
        var rows = showBar
            ? await WithProgressBarAsync(input, source, bar => scorer.RunAsync(source, records, writer, bar, cancellationToken))
            : await scorer.RunAsync(source, records, writer, _ => { }, cancellationToken);

        if (output is not null)
        {
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            CliConsole.Line(string.Create(CultureInfo.InvariantCulture,
                $"Scored {rows:N0} rows with '{endpoint}' in {seconds:0.0} s ({rows / seconds:N0} rows/s) into {output.FullName}"));
        }

        return ExitCodes.Success;
    }

    /// <summary>The endpoint's model inputs; an unknown endpoint ends the run (404, exit code 4) before anything is read.</summary>
    private static async Task<ModelMetadata?> MetadataAsync(FerryClient ferry, string endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await ferry.Predictions.GetMetadataAsync(endpoint, cancellationToken);
        }
        catch (FerryApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new CliException(ExitCodes.NotFound, $"no endpoint is named '{endpoint}'", e);
        }
        catch (FerryApiException e) when (e.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            // Without metadata every cell is typed by how it looks; the server still checks each one.
            Console.Error.WriteLine($"warning: the model metadata of '{endpoint}' is unavailable ({e.Message}); typing cells by how they look");
            return null;
        }
    }

    private static FileStream OpenOutput(FileInfo output)
    {
        try
        {
            return new FileStream(output.FullName, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"cannot write {output.FullName}: {e.Message}", e);
        }
    }

    private static async Task<long> WithProgressBarAsync(FileInfo input, IRowSource source, Func<Action<long>, Task<long>> run)
    {
        const double Steps = 1000;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var name = Markup.Escape(input.Name);
                var task = context.AddTask($"Scoring {name}", maxValue: Steps);
                var clock = Stopwatch.StartNew();
                var rows = await run(done =>
                {
                    var rate = done / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"Scoring {name}: {done:N0} rows, {rate:N0} rows/s");
                    task.Value = source.Fraction * Steps;
                });
                task.Value = Steps;
                return rows;
            });
    }
}
