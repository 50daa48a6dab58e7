using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Ferry.Client;
using Ferry.Client.Serving;

namespace Ferry.Cli.Commands.Predict;

/// <summary>
/// Scores rows in batches with at most <c>concurrency</c> requests in flight, writing answers in input order as soon
/// as the oldest batch is answered. Memory holds at most <c>concurrency + 1</c> batches. A batch the server rejects
/// (400) ends the run with exit code 2 and a line naming the first rejected row (counted from 1, the header excluded)
/// and field; every batch before it has been written. A 503 (the prediction log was full, nothing was answered) is
/// retried a few times.
/// </summary>
internal sealed partial class BatchScorer(PredictionsClient client, string endpoint, int batchSize, int concurrency, TimeProvider clock)
{
    private const int MaxAttempts = 5;

    /// <summary>Delay before retrying a 503, times the attempt number.</summary>
    internal static TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads, scores and writes every row; returns how many were written.</summary>
    public async Task<long> RunAsync(IRowSource source, RecordBuilder records, PredictionCsvWriter writer, Action<long> progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Queue<(Batch Batch, Task<IReadOnlyList<Prediction>> Answer)>();
        try
        {
            var rows = new List<object?[]>(batchSize);
            var next = 1L;
            await foreach (var row in source.ReadAsync(stop.Token))
            {
                rows.Add(row);
                if (rows.Count == batchSize)
                {
                    await DispatchAsync(new Batch(next, rows));
                    next += rows.Count;
                    rows = new List<object?[]>(batchSize);
                }
            }

            if (rows.Count > 0)
            {
                await DispatchAsync(new Batch(next, rows));
            }

            while (pending.Count > 0)
            {
                await WriteOldestAsync();
            }

            return writer.Rows;
        }
        finally
        {
            await stop.CancelAsync();
            await ((Task)Task.WhenAll(pending.Select(p => p.Answer))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await writer.FlushAsync(CancellationToken.None);
        }

        async Task DispatchAsync(Batch batch)
        {
            while (pending.Count >= concurrency)
            {
                await WriteOldestAsync();
            }

            var token = stop.Token;
            pending.Enqueue((batch, Task.Run(() => ScoreAsync(batch, records, token), token)));
        }

        async Task WriteOldestAsync()
        {
            var (batch, answer) = pending.Dequeue();
            IReadOnlyList<Prediction> predictions;
            try
            {
                predictions = await answer;
            }
            catch (FerryApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
            {
                throw Rejected(batch, records, e);
            }

            await writer.WriteAsync(batch.Rows, predictions, stop.Token);
            progress(writer.Rows);
        }
    }

    private async Task<IReadOnlyList<Prediction>> ScoreAsync(Batch batch, RecordBuilder records, CancellationToken cancellationToken)
    {
        var body = new IReadOnlyDictionary<string, object?>[batch.Rows.Count];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = records.Build(batch.Rows[i]);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.PredictAsync(endpoint, body, cancellationToken);
            }
            catch (FerryApiException e) when (e.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < MaxAttempts)
            {
                await Task.Delay(RetryDelay * attempt, clock, cancellationToken);
            }
        }
    }

    /// <summary>The one-line error for a rejected batch: the first row and field the server named, with the cell.</summary>
    internal static CliException Rejected(Batch batch, RecordBuilder records, FerryApiException e)
    {
        var first = e.Errors
            .Select(error => (Match: RecordKey().Match(error.Key), error.Value))
            .Where(x => x.Match.Success)
            .Select(x => (Index: int.Parse(x.Match.Groups["row"].Value, CultureInfo.InvariantCulture), Field: x.Match.Groups["field"].Value, Messages: x.Value))
            .OrderBy(x => x.Index)
            .FirstOrDefault();
        if (first.Messages is null || first.Index >= batch.Rows.Count)
        {
            return new CliException(ExitCodes.InvalidArguments, $"rows {batch.First}-{batch.First + batch.Rows.Count - 1} were rejected: {e.Message}", e);
        }

        var row = batch.First + first.Index;
        var others = e.Errors.Count - 1;
        var more = others > 0 ? $" ({others} more {(others == 1 ? "problem" : "problems")} in rows {batch.First}-{batch.First + batch.Rows.Count - 1})" : string.Empty;
        if (first.Field.Length == 0)
        {
            return new CliException(ExitCodes.InvalidArguments, $"row {row} was rejected: {string.Join("; ", first.Messages)}{more}", e);
        }

        var cell = records.Cell(batch.Rows[first.Index], first.Field) is { } text ? $" (value '{Shorten(text)}')" : string.Empty;
        return new CliException(ExitCodes.InvalidArguments, $"row {row}, field '{first.Field}'{cell}: {string.Join("; ", first.Messages)}{more}", e);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    [GeneratedRegex(@"^records\[(?<row>\d+)\](?:\.(?<field>.+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RecordKey();

    /// <summary>Consecutive rows, the first numbered <paramref name="First"/> (from 1).</summary>
    internal sealed record Batch(long First, IReadOnlyList<object?[]> Rows);
}
