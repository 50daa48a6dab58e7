using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Ferry.Core.Monitoring;

/// <summary>
/// One stored column of a version's reference data (features and the model's outputs on them), kept so monitors can
/// compute drift exactly from the raw values. <see cref="Data"/> is <see cref="ReferenceColumnCodec"/>'s compressed encoding.
/// </summary>
public sealed class ReferenceColumnEntry
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version.</summary>
    public int ModelVersion { get; set; }

    /// <summary>The column (a feature, <see cref="ProfileColumns.Score"/> or <see cref="ProfileColumns.Label"/>).</summary>
    public required string ColumnName { get; set; }

    /// <summary><c>numeric</c> or <c>categorical</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>Values held, missing ones included (the reference's row count).</summary>
    public long Rows { get; set; }

    /// <summary>The encoded values.</summary>
    public required byte[] Data { get; set; }
}

/// <summary>A reference column's raw values: numbers (NaN = missing) or categories (null = missing).</summary>
/// <param name="Name">The column.</param>
/// <param name="Numbers">A numeric column's values.</param>
/// <param name="Categories">A categorical column's values.</param>
public sealed record ReferenceColumnValues(string Name, double[]? Numbers, string?[]? Categories)
{
    /// <summary>True for a numeric column.</summary>
    public bool IsNumeric => Numbers is not null;

    /// <summary>Values held, missing ones included.</summary>
    public int Rows => Numbers?.Length ?? Categories!.Length;
}

/// <summary>Port: each version's full reference columns (private: never served as artifacts), replaced as a whole.</summary>
public interface IReferenceColumnStore
{
    /// <summary>Replaces the version's stored columns with <paramref name="columns"/> (none: deletes them).</summary>
    Task SaveAsync(string modelName, int version, IReadOnlyList<ReferenceColumnValues> columns, CancellationToken cancellationToken = default);

    /// <summary>The version's stored columns by name, or null when it has none.</summary>
    Task<IReadOnlyDictionary<string, ReferenceColumnValues>?> LoadAsync(string modelName, int version, CancellationToken cancellationToken = default);

    /// <summary>Deletes the version's stored columns; false when it had none.</summary>
    Task<bool> DeleteAsync(string modelName, int version, CancellationToken cancellationToken = default);
}

/// <summary>
/// Encodes reference columns compactly: numbers as little-endian doubles, categories as a dictionary of distinct
/// values and one 32-bit code per row (−1 = missing), the whole deflated (zlib). Decoding gives back every value bit for bit.
/// </summary>
public static class ReferenceColumnCodec
{
    /// <summary>The <see cref="ReferenceColumnEntry.Kind"/> of numeric columns.</summary>
    public const string Numeric = "numeric";

    /// <summary>The <see cref="ReferenceColumnEntry.Kind"/> of categorical columns.</summary>
    public const string Categorical = "categorical";

    private const byte FormatVersion = 1;

    /// <summary>The stored entry of <paramref name="column"/>.</summary>
    public static ReferenceColumnEntry Encode(string modelName, int version, ReferenceColumnValues column)
    {
        ArgumentNullException.ThrowIfNull(column);
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            Span<byte> header = stackalloc byte[5];
            header[0] = FormatVersion;
            BinaryPrimitives.WriteInt32LittleEndian(header[1..], column.Rows);
            zlib.Write(header);
            if (column.Numbers is { } numbers)
            {
                WriteDoubles(zlib, numbers);
            }
            else
            {
                WriteCategories(zlib, column.Categories!);
            }
        }

        return new ReferenceColumnEntry
        {
            ModelName = modelName,
            ModelVersion = version,
            ColumnName = column.Name,
            Kind = column.IsNumeric ? Numeric : Categorical,
            Rows = column.Rows,
            Data = buffer.ToArray(),
        };
    }

    /// <summary>The values of a stored entry.</summary>
    /// <exception cref="InvalidDataException">The data is not this codec's encoding.</exception>
    public static ReferenceColumnValues Decode(ReferenceColumnEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var zlib = new ZLibStream(new MemoryStream(entry.Data), CompressionMode.Decompress);
        Span<byte> header = stackalloc byte[5];
        zlib.ReadExactly(header);
        if (header[0] != FormatVersion)
        {
            throw new InvalidDataException($"Reference column '{entry.ColumnName}' has encoding version {header[0]}, not {FormatVersion}.");
        }

        var rows = BinaryPrimitives.ReadInt32LittleEndian(header[1..]);
        if (entry.Kind == Numeric)
        {
            var numbers = new double[rows];
            zlib.ReadExactly(MemoryMarshal.AsBytes(numbers.AsSpan()));
            if (!BitConverter.IsLittleEndian)
            {
                for (var i = 0; i < numbers.Length; i++)
                {
                    numbers[i] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(numbers[i])));
                }
            }

            return new ReferenceColumnValues(entry.ColumnName, numbers, null);
        }

        using var reader = new BinaryReader(zlib, Encoding.UTF8);
        var dictionary = new string[reader.ReadInt32()];
        for (var i = 0; i < dictionary.Length; i++)
        {
            dictionary[i] = reader.ReadString();
        }

        var codes = new int[rows];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(codes.AsSpan()));
        var categories = new string?[rows];
        for (var i = 0; i < rows; i++)
        {
            var code = BitConverter.IsLittleEndian ? codes[i] : BinaryPrimitives.ReverseEndianness(codes[i]);
            categories[i] = code < 0 ? null : dictionary[code];
        }

        return new ReferenceColumnValues(entry.ColumnName, null, categories);
    }

    private static void WriteDoubles(Stream stream, double[] numbers)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(numbers.AsSpan()));
            return;
        }

        Span<byte> one = stackalloc byte[8];
        foreach (var number in numbers)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(one, number);
            stream.Write(one);
        }
    }

    private static void WriteCategories(Stream stream, string?[] categories)
    {
        var codes = new int[categories.Length];
        var dictionary = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < categories.Length; i++)
        {
            if (categories[i] is not { } category)
            {
                codes[i] = -1;
                continue;
            }

            if (!dictionary.TryGetValue(category, out var code))
            {
                code = dictionary.Count;
                dictionary.Add(category, code);
            }

            codes[i] = BitConverter.IsLittleEndian ? code : BinaryPrimitives.ReverseEndianness(code);
        }

        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(dictionary.Count);
        foreach (var category in dictionary.OrderBy(p => p.Value).Select(p => p.Key))
        {
            writer.Write(category);
        }

        writer.Flush();
        stream.Write(MemoryMarshal.AsBytes(codes.AsSpan()));
    }
}
