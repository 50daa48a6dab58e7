using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary>
/// Reads the numeric columns of a plain CSV file fast: the file is split at line ends into chunks that are parsed in
/// parallel from large buffers straight into one <c>double[]</c> per column, each number by <see cref="TryParseNumber"/>
/// (exact: the same doubles as <see cref="double.Parse(string, IFormatProvider)"/>). Any file this reader does not take
/// exactly as RFC 4180 would (a quote anywhere, a record with another number of fields, a blank line) is refused, and
/// the caller reads it with the robust record reader instead.
/// </summary>
internal static class NumericCsv
{
    private const int BufferSize = 1 << 20;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Reads every record after the header of <paramref name="path"/>, with <paramref name="fieldCount"/> fields each,
    /// parsing the fields <paramref name="kept"/>. A column's numbers are null when one of its non-empty fields is not a
    /// number; an empty field is NaN.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="fieldCount">Fields per record (the header's).</param>
    /// <param name="kept">The fields to read, in output order.</param>
    /// <param name="chunkBytes">Bytes per chunk of the parallel parse (tests pass small values to put boundaries mid-line).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The numbers per kept field and the number of records, or null when the file needs the robust reader.</returns>
    public static (double[]?[] Numbers, long Rows)? TryRead(string path, int fieldCount, int[] kept, int chunkBytes = 8 << 20, CancellationToken cancellationToken = default)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        var dataStart = HeaderEnd(handle, length);
        if (dataStart < 0)
        {
            return null;
        }

        var chunks = (int)Math.Max(1, (length - dataStart + chunkBytes - 1) / chunkBytes);
        var starts = new long[chunks + 1];
        for (var i = 0; i <= chunks; i++)
        {
            starts[i] = dataStart + ((length - dataStart) * i / chunks);
        }

        // Pass 1: the records that start in each chunk (one per line end before it), and no quote anywhere.
        var records = new long[chunks];
        var quoted = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, chunks, options, () => new byte[BufferSize], (i, state, buffer) =>
        {
            // A record starts at each position after a line end, so count the line ends in [start - 1, end - 1).
            long position = starts[i] - 1, end = starts[i + 1] - 1, count = 0;
            while (position < end && Volatile.Read(ref quoted) == 0)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - position)), position);
                var span = buffer.AsSpan(0, read);
                count += span.Count((byte)'\n');
                if (span.Contains((byte)'"'))
                {
                    Volatile.Write(ref quoted, 1);
                }

                position += read;
            }

            records[i] = count;
            return buffer;
        }, _ => { });
        if (quoted != 0)
        {
            return null;
        }

        var firstRow = new long[chunks + 1];
        for (var i = 0; i < chunks; i++)
        {
            firstRow[i + 1] = firstRow[i] + records[i];
        }

        var rows = firstRow[chunks];
        if (rows > Array.MaxLength)
        {
            return null;
        }

        var columns = new double[kept.Length][];
        for (var k = 0; k < kept.Length; k++)
        {
            columns[k] = ColumnMemory.Allocate((int)rows);
        }

        var fieldToColumn = new int[fieldCount];
        Array.Fill(fieldToColumn, -1);
        for (var k = 0; k < kept.Length; k++)
        {
            fieldToColumn[kept[k]] = k;
        }

        // Pass 2: parse the records that start in each chunk into their rows.
        var textual = new int[kept.Length];
        var refused = 0;
        Parallel.For(0, chunks, options, i =>
        {
            var chunk = new Chunk(handle, length, fieldToColumn, columns, textual);
            if (!chunk.Parse(starts[i], starts[i + 1], (int)firstRow[i], (int)records[i]))
            {
                Volatile.Write(ref refused, 1);
            }
        });
        if (refused != 0)
        {
            return null;
        }

        var numbers = new double[]?[kept.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            numbers[k] = textual[k] == 0 ? columns[k] : null;
        }

        return (numbers, rows);
    }

    /// <summary>
    /// Parses a number exactly as <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider, out double)"/>
    /// with <see cref="NumberStyles.Float"/> and the invariant culture does. Plain decimals (an optional sign, at most 19
    /// digits with at most one point, a mantissa up to 2⁵³ and at most 22 digits after the point) take Clinger's fast
    /// path: the integer mantissa and the power of ten are exact doubles, so one correctly rounded multiplication or
    /// division gives the correctly rounded value. Anything else goes to <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider, out double)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseNumber(ReadOnlySpan<byte> text, out double value)
    {
        var i = 0;
        var negative = false;
        if (text.Length > 0 && (text[0] == '-' || text[0] == '+'))
        {
            negative = text[0] == '-';
            i = 1;
        }

        ulong mantissa = 0;
        int digits = 0, fraction = 0;
        var point = false;
        for (; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit <= 9)
            {
                if (digits == 19)
                {
                    return Slow(text, out value);
                }

                mantissa = (mantissa * 10) + digit;
                digits++;
                fraction += point ? 1 : 0;
            }
            else if (text[i] == '.' && !point)
            {
                point = true;
            }
            else
            {
                return Slow(text, out value);
            }
        }

        if (digits == 0 || mantissa > (1UL << 53) || fraction > 22)
        {
            return Slow(text, out value);
        }

        var magnitude = fraction == 0 ? (double)mantissa : mantissa / PowersOfTen[fraction];
        value = negative ? -magnitude : magnitude;
        return true;
    }

    private static bool Slow(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>The offset after the header's line end, or −1 when the header holds a quote or the file has no line end.</summary>
    private static long HeaderEnd(SafeFileHandle handle, long length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            for (long position = 0; position < length;)
            {
                var span = buffer.AsSpan(0, RandomAccess.Read(handle, buffer, position));
                var end = span.IndexOfAny((byte)'\n', (byte)'"');
                if (end >= 0)
                {
                    return span[end] == '"' ? -1 : position + end + 1;
                }

                position += span.Length;
            }

            return -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One worker's parse of the records that start in [start, end).</summary>
    private sealed class Chunk(SafeFileHandle handle, long length, int[] fieldToColumn, double[][] columns, int[] textual)
    {
        private byte[] _buffer = new byte[BufferSize];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Parse(long start, long end, int row, int expected)
        {
            // The records that start in [start, end): the first is the one after the line end at or after start − 1.
            var position = start - 1; // the file offset of _buffer[0]
            var filled = 0;
            var skipping = true;
            var last = row + expected;
            while (true)
            {
                if (filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2); // one record longer than the buffer
                }

                filled += position + filled < length ? RandomAccess.Read(handle, _buffer.AsSpan(filled), position + filled) : 0;
                var atEnd = position + filled >= length;
                var data = _buffer.AsSpan(0, filled);
                var offset = 0;
                if (skipping)
                {
                    var newline = data.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        if (atEnd)
                        {
                            return row == last;
                        }

                        position += filled;
                        filled = 0;
                        continue;
                    }

                    offset = newline + 1;
                    skipping = false;
                }

                while (true)
                {
                    if (position + offset >= end || position + offset >= length)
                    {
                        return row == last;
                    }

                    var rest = data[offset..];
                    var newline = rest.IndexOf((byte)'\n');
                    if (newline < 0 && !atEnd)
                    {
                        break; // the record goes on past the buffer
                    }

                    if (row >= last || !ParseRecord(newline < 0 ? rest : rest[..newline], row))
                    {
                        return false;
                    }

                    row++;
                    offset += newline < 0 ? rest.Length : newline + 1;
                }

                data[offset..].CopyTo(_buffer);
                filled -= offset;
                position += offset;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool ParseRecord(ReadOnlySpan<byte> line, int row)
        {
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                return false; // a blank line: the robust reader decides
            }

            var field = 0;
            var start = 0;
            while (true)
            {
                if (field >= fieldToColumn.Length)
                {
                    return false;
                }

                var column = fieldToColumn[field];
                int end;
                if (column >= 0)
                {
                    end = ParseField(line, start, out var value, out var number);
                    columns[column][row] = value;
                    if (!number)
                    {
                        Volatile.Write(ref textual[column], 1);
                    }
                }
                else
                {
                    var comma = line[start..].IndexOf((byte)',');
                    end = comma < 0 ? line.Length : start + comma;
                }

                field++;
                if (end == line.Length)
                {
                    return field == fieldToColumn.Length;
                }

                start = end + 1;
            }
        }

        /// <summary>
        /// Parses the field that starts at <paramref name="start"/> and returns where it ends (a comma or the end of the
        /// line): a plain decimal in the same pass as the scan (as <see cref="TryParseNumber"/>'s fast path), anything
        /// else by <see cref="TryParseNumber"/>. An empty field is NaN; a field that is not a number is NaN and not a number.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int ParseField(ReadOnlySpan<byte> line, int start, out double value, out bool number)
        {
            var i = start;
            var negative = false;
            if (i < line.Length && (line[i] == '-' || line[i] == '+'))
            {
                negative = line[i] == '-';
                i++;
            }

            ulong mantissa = 0;
            int digits = 0, fraction = 0;
            var point = false;
            for (; i < line.Length; i++)
            {
                var digit = (uint)(line[i] - '0');
                if (digit <= 9)
                {
                    mantissa = (mantissa * 10) + digit;
                    digits++;
                    fraction += point ? 1 : 0;
                }
                else if (line[i] == '.' && !point)
                {
                    point = true;
                }
                else
                {
                    break;
                }
            }

            if ((i == line.Length || line[i] == ',') && digits is > 0 and <= 19 && mantissa <= (1UL << 53) && fraction <= 22)
            {
                var magnitude = fraction == 0 ? (double)mantissa : mantissa / PowersOfTen[fraction];
                value = negative ? -magnitude : magnitude;
                number = true;
                return i;
            }

            var comma = line[i..].IndexOf((byte)',');
            var end = comma < 0 ? line.Length : i + comma;
            var cell = line[start..end];
            if (cell.IsEmpty)
            {
                value = double.NaN;
                number = true;
            }
            else
            {
                number = TryParseNumber(cell, out value);
                value = number ? value : double.NaN;
            }

            return end;
        }
    }
}
