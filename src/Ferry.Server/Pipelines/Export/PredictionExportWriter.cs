using System.Globalization;
using System.Text.Json;
using Ferry.Core.Serving;
using Ferry.Server.Pipelines.Datasets;
using Parquet;
using Parquet.Schema;

namespace Ferry.Server.Pipelines.Export;

/// <summary>
/// Writes logged predictions to a Parquet stream in <see cref="PredictionExportColumns"/>' layout, one row group per
/// <see cref="DefaultRowGroupRows"/> rows, each passed on to the destination as soon as it is encoded: memory holds one
/// row group's column buffers and its encoded bytes, never the window.
/// </summary>
public sealed class PredictionExportWriter : IAsyncDisposable
{
    /// <summary>Rows per row group by default.</summary>
    public const int DefaultRowGroupRows = 50_000;

    private readonly ExportSpool _spool;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly Dictionary<string, int> _fieldIndex;
    private readonly Dictionary<string, int> _classIndex;
    private readonly int _capacity;
    private readonly string[] _ids;
    private readonly DateTime[] _at;
    private readonly string[] _models;
    private readonly int[] _versions;
    private readonly long[] _latency;
    private readonly Array[] _inputs;
    private readonly string?[] _label;
    private readonly double?[] _score;
    private readonly double?[][] _probabilities;
    private readonly string?[] _feedbackLabel;
    private readonly double?[] _feedbackValue;
    private readonly DateTime?[] _feedbackAt;
    private readonly string?[] _subject;
    private readonly DateTime?[] _erasedAt;
    private int _count;
    private bool _completed;

    private PredictionExportWriter(ExportSpool spool, ParquetWriter writer, ParquetSchema schema, PredictionExportColumns columns, int capacity)
    {
        _spool = spool;
        _writer = writer;
        _fields = schema.GetDataFields();
        _fieldIndex = columns.Fields.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i, StringComparer.Ordinal);
        _classIndex = columns.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        _capacity = capacity;
        _ids = new string[capacity];
        _at = new DateTime[capacity];
        _models = new string[capacity];
        _versions = new int[capacity];
        _latency = new long[capacity];
        _inputs = [.. columns.Kinds.Select(k => k switch
        {
            ExportKind.Float => (Array)new float?[capacity],
            ExportKind.Double => new double?[capacity],
            ExportKind.Int => new int?[capacity],
            ExportKind.Long => new long?[capacity],
            ExportKind.Bool => new bool?[capacity],
            _ => new string?[capacity],
        })];
        _label = new string?[capacity];
        _score = new double?[capacity];
        _probabilities = [.. columns.Classes.Select(_ => new double?[capacity])];
        _feedbackLabel = new string?[capacity];
        _feedbackValue = new double?[capacity];
        _feedbackAt = new DateTime?[capacity];
        _subject = new string?[capacity];
        _erasedAt = new DateTime?[capacity];
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Bytes passed on to the destination so far.</summary>
    public long Bytes => _spool.Drained;

    /// <summary>The Parquet schema of <paramref name="columns"/>.</summary>
    public static ParquetSchema Schema(PredictionExportColumns columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var fields = new List<Field>
        {
            new DataField<string>("prediction_id", false),
            Timestamp("timestamp", nullable: false),
            new DataField<string>("model_name", false),
            new DataField<int>("model_version", false),
            new DataField<long>("latency_micros", false),
        };
        for (var f = 0; f < columns.Fields.Count; f++)
        {
            var name = PredictionExportColumns.ColumnOf(columns.Fields[f]);
            fields.Add(columns.Kinds[f] switch
            {
                ExportKind.Float => new DataField<float?>(name),
                ExportKind.Double => new DataField<double?>(name),
                ExportKind.Int => new DataField<int?>(name),
                ExportKind.Long => new DataField<long?>(name),
                ExportKind.Bool => new DataField<bool?>(name),
                _ => new DataField<string>(name, true),
            });
        }

        fields.Add(new DataField<string>("label", true));
        fields.Add(new DataField<double?>("score"));
        fields.AddRange(columns.Classes.Select(c => new DataField<double?>(PredictionExportColumns.ProbabilityPrefix + c)));
        fields.Add(new DataField<string>("feedback_label", true));
        fields.Add(new DataField<double?>("feedback_value"));
        fields.Add(Timestamp("feedback_received_at", nullable: true));
        fields.Add(new DataField<string>("subject_hash", true));
        fields.Add(Timestamp("erased_at", nullable: true));
        return new ParquetSchema(fields);
    }

    /// <summary>Writes the file's header to <paramref name="destination"/> and returns a writer for its rows.</summary>
    public static async Task<PredictionExportWriter> CreateAsync(Stream destination, PredictionExportColumns columns, int rowGroupRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var spool = new ExportSpool(destination);
        try
        {
            var schema = Schema(columns);
            var writer = await ParquetWriter.CreateAsync(schema, spool, null, false, cancellationToken);
            return new PredictionExportWriter(spool, writer, schema, columns, Math.Max(1, rowGroupRows));
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds one logged prediction; writes a row group when the buffer is full.</summary>
    public async ValueTask AddAsync(PredictionWithFeedback row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var p = row.Prediction;
        var i = _count;
        _ids[i] = p.Id.ToString();
        _at[i] = DateTime.UnixEpoch.AddMilliseconds(p.Timestamp);
        _models[i] = p.ModelName;
        _versions[i] = p.ModelVersion;
        _latency[i] = p.LatencyMicros;
        foreach (var column in _inputs)
        {
            column.SetValue(null, i);
        }

        SetInputs(p.InputsJson, i);
        SetOutputs(p.OutputsJson, i);
        _feedbackLabel[i] = row.Feedback?.Label;
        _feedbackValue[i] = row.Feedback?.Value;
        _feedbackAt[i] = row.Feedback is { } fb ? DateTime.UnixEpoch.AddMilliseconds(fb.ReceivedAt) : null;
        _subject[i] = p.SubjectHash;
        _erasedAt[i] = p.ErasedAt is { } erased ? DateTime.UnixEpoch.AddMilliseconds(erased) : null;
        _count++;
        Rows++;
        if (_count == _capacity)
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes what is buffered and the file's footer, and passes them on.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return;
        }

        await FlushAsync(cancellationToken);
        _completed = true;
        await _writer.DisposeAsync();
        await _spool.DrainAsync(cancellationToken);
        await _spool.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            await _writer.DisposeAsync();
            await _spool.DisposeAsync();
        }
    }

    private static DateTimeDataField Timestamp(string name, bool nullable) =>
        new(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: nullable);

    private void SetInputs(string inputsJson, int i)
    {
        using var inputs = JsonDocument.Parse(inputsJson);
        if (inputs.RootElement.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in inputs.RootElement.EnumerateObject())
        {
            if (!_fieldIndex.TryGetValue(property.Name, out var f))
            {
                continue;
            }

            var value = property.Value;
            switch (_inputs[f])
            {
                case float?[] floats:
                    floats[i] = value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out var single) ? single
                        : value.ValueKind == JsonValueKind.String && float.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out single) ? single
                        : null;
                    break;
                case double?[] doubles:
                    doubles[i] = DatasetColumns.Number(value);
                    break;
                case int?[] ints:
                    ints[i] = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
                    break;
                case long?[] longs:
                    longs[i] = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) ? l : null;
                    break;
                case bool?[] flags:
                    flags[i] = DatasetColumns.Boolean(value);
                    break;
                case string?[] text:
                    text[i] = DatasetColumns.Text(value);
                    break;
            }
        }
    }

    private void SetOutputs(string outputsJson, int i)
    {
        _label[i] = null;
        _score[i] = null;
        foreach (var column in _probabilities)
        {
            column[i] = null;
        }

        using var outputs = JsonDocument.Parse(outputsJson);
        var root = outputs.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (root.TryGetProperty("label", out var label))
        {
            _label[i] = DatasetColumns.Text(label);
        }

        if (root.TryGetProperty("score", out var score))
        {
            _score[i] = DatasetColumns.Number(score);
        }

        if (root.TryGetProperty("probabilities", out var probabilities) && probabilities.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in probabilities.EnumerateObject())
            {
                if (_classIndex.TryGetValue(p.Name, out var c))
                {
                    _probabilities[c][i] = DatasetColumns.Number(p.Value);
                }
            }
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_count == 0)
        {
            return;
        }

        var n = _count;
        using (var group = _writer.CreateRowGroup())
        {
            var c = 0;
            await group.WriteAsync(_fields[c++], new ArraySegment<string>(_ids, 0, n));
            await group.WriteAsync<DateTime>(_fields[c++], _at.AsMemory(0, n), null, null, cancellationToken);
            await group.WriteAsync(_fields[c++], new ArraySegment<string>(_models, 0, n));
            await group.WriteAsync<int>(_fields[c++], _versions.AsMemory(0, n), null, null, cancellationToken);
            await group.WriteAsync<long>(_fields[c++], _latency.AsMemory(0, n), null, null, cancellationToken);
            foreach (var column in _inputs)
            {
                var field = _fields[c++];
                switch (column)
                {
                    case float?[] v:
                        await group.WriteAsync<float>(field, new ReadOnlyMemory<float?>(v, 0, n), null, null, cancellationToken);
                        break;
                    case double?[] v:
                        await group.WriteAsync<double>(field, new ReadOnlyMemory<double?>(v, 0, n), null, null, cancellationToken);
                        break;
                    case int?[] v:
                        await group.WriteAsync<int>(field, new ReadOnlyMemory<int?>(v, 0, n), null, null, cancellationToken);
                        break;
                    case long?[] v:
                        await group.WriteAsync<long>(field, new ReadOnlyMemory<long?>(v, 0, n), null, null, cancellationToken);
                        break;
                    case bool?[] v:
                        await group.WriteAsync<bool>(field, new ReadOnlyMemory<bool?>(v, 0, n), null, null, cancellationToken);
                        break;
                    default:
                        await group.WriteAsync(field, new ArraySegment<string>((string[])column, 0, n));
                        break;
                }
            }

            await group.WriteAsync(_fields[c++], new ArraySegment<string>(_label!, 0, n));
            await group.WriteAsync<double>(_fields[c++], new ReadOnlyMemory<double?>(_score, 0, n), null, null, cancellationToken);
            foreach (var column in _probabilities)
            {
                await group.WriteAsync<double>(_fields[c++], new ReadOnlyMemory<double?>(column, 0, n), null, null, cancellationToken);
            }

            await group.WriteAsync(_fields[c++], new ArraySegment<string>(_feedbackLabel!, 0, n));
            await group.WriteAsync<double>(_fields[c++], new ReadOnlyMemory<double?>(_feedbackValue, 0, n), null, null, cancellationToken);
            await group.WriteAsync<DateTime>(_fields[c++], new ReadOnlyMemory<DateTime?>(_feedbackAt, 0, n), null, null, cancellationToken);
            await group.WriteAsync(_fields[c++], new ArraySegment<string>(_subject!, 0, n));
            await group.WriteAsync<DateTime>(_fields[c], new ReadOnlyMemory<DateTime?>(_erasedAt, 0, n), null, null, cancellationToken);
        }

        _count = 0;
        await _spool.DrainAsync(cancellationToken);
    }
}
