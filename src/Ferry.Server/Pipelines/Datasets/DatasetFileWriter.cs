using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Ferry.Server.Pipelines.Datasets;

/// <summary>
/// Writes dataset rows to a Parquet file in <see cref="DatasetColumns"/>' layout, one row group per
/// <see cref="DefaultRowGroupRows"/> rows (or the size given): memory holds one row group's column buffers, never the file.
/// </summary>
public sealed class DatasetFileWriter : IAsyncDisposable
{
    /// <summary>Rows per row group by default.</summary>
    public const int DefaultRowGroupRows = 50_000;

    private readonly FileStream _file;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly FieldKind[] _kinds;
    private readonly int _capacity;
    private readonly string[] _ids;
    private readonly long[] _at;
    private readonly string[] _models;
    private readonly int[] _versions;
    private readonly Array[] _inputs;
    private readonly double?[] _score;
    private readonly string[] _label;
    private readonly long?[] _received;
    private readonly string[] _source;
    private int _count;
    private bool _completed;

    private DatasetFileWriter(FileStream file, ParquetWriter writer, ParquetSchema schema, DatasetColumns columns, int capacity)
    {
        _file = file;
        _writer = writer;
        _fields = schema.GetDataFields();
        _kinds = [.. columns.Fields.Select(columns.KindOf)];
        _capacity = capacity;
        _ids = new string[capacity];
        _at = new long[capacity];
        _models = new string[capacity];
        _versions = new int[capacity];
        _inputs = [.. _kinds.Select(k => k switch
        {
            FieldKind.Number => (Array)new double?[capacity],
            FieldKind.Boolean => new bool?[capacity],
            _ => new string[capacity],
        })];
        _score = new double?[capacity];
        _label = new string[capacity];
        _received = new long?[capacity];
        _source = new string[capacity];
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Creates <paramref name="path"/> and writes the schema of <paramref name="columns"/>.</summary>
    public static async Task<DatasetFileWriter> CreateAsync(string path, DatasetColumns columns, int rowGroupRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            var schema = columns.Schema();
            var writer = await ParquetWriter.CreateAsync(schema, file, null, false, cancellationToken);
            return new DatasetFileWriter(file, writer, schema, columns, Math.Max(1, rowGroupRows));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a row: its identity; every input field is null until set.</summary>
    public void Begin(string predictionId, long predictedAt, string modelName, int modelVersion)
    {
        _ids[_count] = predictionId;
        _at[_count] = predictedAt;
        _models[_count] = modelName;
        _versions[_count] = modelVersion;
        for (var f = 0; f < _inputs.Length; f++)
        {
            _inputs[f].SetValue(null, _count);
        }
    }

    /// <summary>Sets input field <paramref name="field"/> (its index in <see cref="DatasetColumns.Fields"/>) from a logged JSON value.</summary>
    public void Set(int field, JsonElement value)
    {
        switch (_kinds[field])
        {
            case FieldKind.Number:
                ((double?[])_inputs[field])[_count] = DatasetColumns.Number(value);
                break;
            case FieldKind.Boolean:
                ((bool?[])_inputs[field])[_count] = DatasetColumns.Boolean(value);
                break;
            default:
                ((string[])_inputs[field])[_count] = DatasetColumns.Text(value)!;
                break;
        }
    }

    /// <summary>Sets input field <paramref name="field"/> from a reference column's number (NaN = missing).</summary>
    public void Set(int field, double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        switch (_kinds[field])
        {
            case FieldKind.Number:
                ((double?[])_inputs[field])[_count] = value;
                break;
            case FieldKind.Boolean:
                break;
            default:
                ((string[])_inputs[field])[_count] = value.ToString("R", CultureInfo.InvariantCulture);
                break;
        }
    }

    /// <summary>Sets input field <paramref name="field"/> from a reference column's category (null = missing).</summary>
    public void Set(int field, string? value)
    {
        if (value is null)
        {
            return;
        }

        switch (_kinds[field])
        {
            case FieldKind.Number:
                ((double?[])_inputs[field])[_count] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
                break;
            case FieldKind.Boolean:
                ((bool?[])_inputs[field])[_count] = bool.TryParse(value, out var b) ? b : null;
                break;
            default:
                ((string[])_inputs[field])[_count] = value;
                break;
        }
    }

    /// <summary>Ends the row with its answer and label; writes a row group when the buffer is full.</summary>
    public async ValueTask EndAsync(double? score, string? label, long? labelReceivedAt, string source, CancellationToken cancellationToken)
    {
        _score[_count] = score;
        _label[_count] = label!;
        _received[_count] = labelReceivedAt;
        _source[_count] = source;
        _count++;
        Rows++;
        if (_count == _capacity)
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes what is buffered and the file's footer, and closes it.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return;
        }

        await FlushAsync(cancellationToken);
        _completed = true;
        await _writer.DisposeAsync();
        await _file.FlushAsync(cancellationToken);
        await _file.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            await _writer.DisposeAsync();
            await _file.DisposeAsync();
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
            await group.WriteAsync<long>(_fields[c++], _at.AsMemory(0, n), null, null, cancellationToken);
            await group.WriteAsync(_fields[c++], new ArraySegment<string>(_models, 0, n));
            await group.WriteAsync<int>(_fields[c++], _versions.AsMemory(0, n), null, null, cancellationToken);
            for (var f = 0; f < _inputs.Length; f++)
            {
                var field = _fields[c++];
                switch (_inputs[f])
                {
                    case double?[] numbers:
                        await group.WriteAsync<double>(field, new ReadOnlyMemory<double?>(numbers, 0, n), null, null, cancellationToken);
                        break;
                    case bool?[] flags:
                        await group.WriteAsync<bool>(field, new ReadOnlyMemory<bool?>(flags, 0, n), null, null, cancellationToken);
                        break;
                    case string[] text:
                        await group.WriteAsync(field, new ArraySegment<string>(text, 0, n));
                        break;
                }
            }

            await group.WriteAsync<double>(_fields[c++], new ReadOnlyMemory<double?>(_score, 0, n), null, null, cancellationToken);
            await group.WriteAsync(_fields[c++], new ArraySegment<string>(_label, 0, n));
            await group.WriteAsync<long>(_fields[c++], new ReadOnlyMemory<long?>(_received, 0, n), null, null, cancellationToken);
            await group.WriteAsync(_fields[c], new ArraySegment<string>(_source, 0, n));
        }

        _count = 0;
    }
}
