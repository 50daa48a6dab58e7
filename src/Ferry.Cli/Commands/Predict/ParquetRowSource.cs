using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Ferry.Cli.Commands.Predict;

/// <summary>
/// A Parquet file read one row group at a time (memory is bounded by the largest row group, not by the file). Flat
/// columns of numbers, booleans, text, dates and binary are supported; nested and repeated columns are refused.
/// </summary>
internal sealed class ParquetRowSource : IRowSource
{
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly long _total;
    private long _read;

    private ParquetRowSource(ParquetReader reader, DataField[] fields, long total)
    {
        _reader = reader;
        _fields = fields;
        _total = Math.Max(total, 1);
        Columns = [.. fields.Select(f => f.Name)];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Columns { get; }

    /// <inheritdoc />
    public double Fraction => Math.Min(1.0, (double)_read / _total);

    /// <summary>Opens the file and reads its schema.</summary>
    public static async Task<ParquetRowSource> OpenAsync(FileInfo file, CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(file.FullName, null, cancellationToken);
        }
        catch (Exception e) when (e is IOException or ParquetException)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name} is not a readable Parquet file: {e.Message}", e);
        }

        try
        {
            var fields = reader.Schema.GetDataFields();
            if (reader.Schema.Fields.Count != fields.Length || fields.Any(f => f.IsArray))
            {
                throw new CliException(ExitCodes.InvalidArguments, $"{file.Name}: only flat columns can be scored (no nested, list or map columns)");
            }

            long total = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                total += group.RowCount;
            }

            return new ParquetRowSource(reader, fields, total);
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<object?[]> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var g = 0; g < _reader.RowGroupCount; g++)
        {
            using var group = _reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var columns = new object?[_fields.Length][];
            for (var c = 0; c < _fields.Length; c++)
            {
                columns[c] = await ReadColumnAsync(group, _fields[c], rows, cancellationToken);
            }

            for (var r = 0; r < rows; r++)
            {
                var row = new object?[_fields.Length];
                for (var c = 0; c < row.Length; c++)
                {
                    row[c] = columns[c][r];
                }

                _read++;
                yield return row;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var text = new string?[rows];
            await group.ReadAsync(field, text.AsMemory(), null, cancellationToken);
            return [.. text];
        }

        if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>))
        {
            var bytes = new byte[]?[rows];
            await group.ReadAsync(field, bytes.AsMemory(), null, cancellationToken);
            return [.. bytes];
        }

        return type switch
        {
            _ when type == typeof(double) => await ReadValuesAsync<double>(group, field, rows, cancellationToken),
            _ when type == typeof(float) => await ReadValuesAsync<float>(group, field, rows, cancellationToken),
            _ when type == typeof(long) => await ReadValuesAsync<long>(group, field, rows, cancellationToken),
            _ when type == typeof(int) => await ReadValuesAsync<int>(group, field, rows, cancellationToken),
            _ when type == typeof(short) => await ReadValuesAsync<short>(group, field, rows, cancellationToken),
            _ when type == typeof(sbyte) => await ReadValuesAsync<sbyte>(group, field, rows, cancellationToken),
            _ when type == typeof(byte) => await ReadValuesAsync<byte>(group, field, rows, cancellationToken),
            _ when type == typeof(ushort) => await ReadValuesAsync<ushort>(group, field, rows, cancellationToken),
            _ when type == typeof(uint) => await ReadValuesAsync<uint>(group, field, rows, cancellationToken),
            _ when type == typeof(ulong) => await ReadValuesAsync<ulong>(group, field, rows, cancellationToken),
            _ when type == typeof(bool) => await ReadValuesAsync<bool>(group, field, rows, cancellationToken),
            _ when type == typeof(decimal) => await ReadValuesAsync<decimal>(group, field, rows, cancellationToken),
            _ when type == typeof(DateTime) => await ReadValuesAsync<DateTime>(group, field, rows, cancellationToken),
            _ when type == typeof(DateOnly) => await ReadValuesAsync<DateOnly>(group, field, rows, cancellationToken),
            _ when type == typeof(TimeSpan) => await ReadValuesAsync<TimeSpan>(group, field, rows, cancellationToken),
            _ when type == typeof(Guid) => await ReadValuesAsync<Guid>(group, field, rows, cancellationToken),
            _ => throw new CliException(ExitCodes.InvalidArguments, $"column '{field.Name}' has a type ({type.Name}) that cannot be scored"),
        };
    }

    private static async Task<object?[]> ReadValuesAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new object?[rows];
        if (field.IsNullable)
        {
            var buffer = new T?[rows];
            await group.ReadAsync<T>(field, buffer.AsMemory(), null, cancellationToken);
            for (var i = 0; i < rows; i++)
            {
                values[i] = buffer[i];
            }
        }
        else
        {
            var buffer = new T[rows];
            await group.ReadAsync<T>(field, buffer.AsMemory(), null, cancellationToken);
            for (var i = 0; i < rows; i++)
            {
                values[i] = buffer[i];
            }
        }

        return values;
    }
}
