using CsvHelper;
using Ferry.Client.Serving;

namespace Ferry.Cli.Commands.Predict;

/// <summary>
/// Writes scored rows as CSV: the input columns as read, then <c>prediction_id</c>, <c>model</c>, <c>version</c>,
/// <c>label</c>, <c>score</c> and one <c>p_&lt;class&gt;</c> column per class. The header is written with the first
/// answered batch, whose probabilities name the classes; a class first seen later has no column and is reported once.
/// </summary>
internal sealed class PredictionCsvWriter(Stream destination, IReadOnlyList<string> inputColumns, Action<string> warn) : IAsyncDisposable
{
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { NewLine = "\n" };

    private readonly CsvWriter _writer = CsvWriter.Create(destination, Options, leaveOpen: false);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private string[]? _classes;

    /// <summary>Rows written so far (the header not counted).</summary>
    public long Rows { get; private set; }

    /// <summary>Writes one batch: its input rows beside their predictions.</summary>
    public async Task WriteAsync(IReadOnlyList<object?[]> rows, IReadOnlyList<Prediction> predictions, CancellationToken cancellationToken)
    {
        _classes ??= WriteHeader(predictions);
        for (var r = 0; r < rows.Count; r++)
        {
            foreach (var value in rows[r])
            {
                _writer.WriteField(FieldKinds.Text(value));
            }

            var prediction = predictions[r];
            _writer.WriteField(prediction.Id);
            _writer.WriteField(prediction.Model);
            _writer.WriteField(prediction.Version, default);
            _writer.WriteField(prediction.Label);
            _writer.WriteField(prediction.Score, default);
            foreach (var name in _classes)
            {
                double? p = prediction.Probabilities is { } probabilities && probabilities.TryGetValue(name, out var value) ? value : null;
                _writer.WriteField(p, default);
            }

            ReportUnknownClasses(prediction);
            await _writer.EndRecordAsync(cancellationToken);
            Rows++;
        }
    }

    /// <summary>Writes what is buffered to the destination.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => _writer.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private string[] WriteHeader(IReadOnlyList<Prediction> predictions)
    {
        var classes = new List<string>();
        foreach (var prediction in predictions)
        {
            foreach (var name in prediction.Probabilities?.Keys ?? Enumerable.Empty<string>())
            {
                if (!classes.Contains(name, StringComparer.Ordinal))
                {
                    classes.Add(name);
                }
            }
        }

        string[] header = [.. inputColumns, "prediction_id", "model", "version", "label", "score", .. classes.Select(c => "p_" + c)];
        _writer.WriteHeader(header);
        return [.. classes];
    }

    private void ReportUnknownClasses(Prediction prediction)
    {
        if (prediction.Probabilities is not { } probabilities || _classes is null)
        {
            return;
        }

        foreach (var name in probabilities.Keys.Where(k => !_classes.Contains(k, StringComparer.Ordinal) && _reported.Add(k)))
        {
            warn($"class '{name}' first appeared after the header was written; its probabilities are left out (the header named {string.Join(", ", _classes)})");
        }
    }
}
