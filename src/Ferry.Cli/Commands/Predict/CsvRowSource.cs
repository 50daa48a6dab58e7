using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;

namespace Ferry.Cli.Commands.Predict;

/// <summary>
/// A comma-separated file (RFC 4180, UTF-8) whose first record is the header, read record by record. A record with a
/// different number of fields than the header, or malformed quoting, ends the run with exit code 2.
/// </summary>
internal sealed class CsvRowSource : IRowSource
{
    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        MalformedData = CsvMalformedDataHandling.Throw,
        PoolStrings = true,
    };

    private readonly CsvReader _reader;
    private readonly string _name;
    private readonly long _length;

    private CsvRowSource(CsvReader reader, string name, long length, IReadOnlyList<string> columns)
    {
        _reader = reader;
        _name = name;
        _length = Math.Max(length, 1);
        Columns = columns;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Columns { get; }

    /// <inheritdoc />
    public double Fraction { get; private set; }

    /// <summary>Opens the file and reads its header.</summary>
    public static async Task<CsvRowSource> OpenAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var reader = CsvReader.FromFile(file.FullName, Options);
        try
        {
            await reader.ReadHeaderAsync(cancellationToken);
            return new CsvRowSource(reader, file.Name, file.Length, [.. reader.Headers]);
        }
        catch (CsvFormatException e)
        {
            await reader.DisposeAsync();
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name}: the header is malformed: {e.Message}", e);
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
        while (await NextAsync(cancellationToken))
        {
            var row = new object?[Columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = _reader.GetString(i) ?? string.Empty;
            }

            Fraction = Math.Min(1.0, (double)_reader.ByteOffset / _length);
            yield return row;
        }

        Fraction = 1.0;
    }

    /// <summary>
    /// Reads every remaining record, parsing the cells of the columns <paramref name="kept"/> as numbers straight from
    /// their UTF-8 bytes (no string per cell). A column's numbers are null when one of its non-empty cells is not a
    /// number (its text is then read by <see cref="ReadAsync"/> on a new reader); an empty cell is NaN.
    /// </summary>
    /// <returns>The numbers per kept column, and the number of records.</returns>
    public async Task<(double[]?[] Numbers, long Rows)> ReadNumbersAsync(int[] kept, CancellationToken cancellationToken)
    {
        var buffers = new double[]?[kept.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            buffers[k] = new double[1024];
        }

        var rows = 0;
        while (await NextAsync(cancellationToken))
        {
            for (var k = 0; k < kept.Length; k++)
            {
                var buffer = buffers[k];
                if (buffer is null)
                {
                    continue;
                }

                if (rows == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                    buffers[k] = buffer;
                }

                var cell = _reader.GetSpan(kept[k]);
                if (cell.IsEmpty)
                {
                    buffer[rows] = double.NaN;
                }
                else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    buffer[rows] = value;
                }
                else
                {
                    buffers[k] = null;
                }
            }

            rows++;
        }

        for (var k = 0; k < kept.Length; k++)
        {
            if (buffers[k] is { } buffer && buffer.Length != rows)
            {
                Array.Resize(ref buffer, rows);
                buffers[k] = buffer;
            }
        }

        Fraction = 1.0;
        return (buffers, rows);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    private async Task<bool> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadAsync(cancellationToken);
        }
        catch (CsvFormatException e)
        {
            // RecordNumber counts the header; rows are numbered from 1 after it.
            var row = e.RecordNumber > 1 ? $"row {e.RecordNumber - 1}: " : string.Empty;
            throw new CliException(ExitCodes.InvalidArguments, $"{_name}: {row}{e.Message}", e);
        }
    }
}
