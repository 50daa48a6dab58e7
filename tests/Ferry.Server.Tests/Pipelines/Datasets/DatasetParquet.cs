using Parquet;
using Parquet.Schema;

namespace Ferry.Server.Tests.Pipelines.Datasets;

/// <summary>A Parquet file Ferry wrote (a dataset, a prediction export) read back with Parquet.Net: its schema and every row as column name → value (timestamps as UTC DateTime).</summary>
internal sealed record DatasetParquet(IReadOnlyList<DataField> Fields, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows, int RowGroups)
{
    public static async Task<DatasetParquet> ReadAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        await using var reader = await ParquetReader.CreateAsync(stream, null, false, default);
        var fields = reader.Schema.GetDataFields();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var columns = new Dictionary<string, object?[]>(StringComparer.Ordinal);
            foreach (var field in fields)
            {
                columns[field.Name] = await ReadColumnAsync(group, field, count);
            }

            for (var r = 0; r < count; r++)
            {
                rows.Add(fields.ToDictionary(f => f.Name, f => columns[f.Name][r], StringComparer.Ordinal));
            }
        }

        return new DatasetParquet(fields, rows, reader.RowGroupCount);
    }

    public IReadOnlyList<string> Names => [.. Fields.Select(f => f.Name)];

    /// <summary>A column's value type: double, float, long, int, bool, DateTime or string (Parquet.Net reads text as ReadOnlyMemory&lt;char&gt;).</summary>
    public Type TypeOf(string column)
    {
        var type = Fields.Single(f => f.Name == column).ClrType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(ReadOnlyMemory<char>) ? typeof(string) : type;
    }

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int rows)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var text = new string?[rows];
            await group.ReadAsync(field, text.AsMemory(), null, default);
            return [.. text];
        }

        return type switch
        {
            _ when type == typeof(double) => await ValuesAsync<double>(group, field, rows),
            _ when type == typeof(float) => await ValuesAsync<float>(group, field, rows),
            _ when type == typeof(long) => await ValuesAsync<long>(group, field, rows),
            _ when type == typeof(int) => await ValuesAsync<int>(group, field, rows),
            _ when type == typeof(bool) => await ValuesAsync<bool>(group, field, rows),
            _ when type == typeof(DateTime) => await ValuesAsync<DateTime>(group, field, rows),
            _ => throw new InvalidOperationException($"unexpected column type {type} of {field.Name}"),
        };
    }

    private static async Task<object?[]> ValuesAsync<T>(ParquetRowGroupReader group, DataField field, int rows)
        where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[rows];
            await group.ReadAsync<T>(field, nullable.AsMemory(), null, default);
            return [.. nullable.Select(v => (object?)v)];
        }

        var values = new T[rows];
        await group.ReadAsync<T>(field, values.AsMemory(), null, default);
        return [.. values.Select(v => (object?)v)];
    }
}
