using System.Globalization;
using System.Text.Json;

namespace Ferry.Explain;

/// <summary>Converts a row's cell (number, string, JSON element, array) to what a preprocessing op needs.</summary>
internal static class Cells
{
    public static double ToDouble(object? cell, string name) => AsNumber(cell) ?? cell switch
    {
        null => double.NaN,
        bool flag => flag ? 1 : 0,
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        JsonElement { ValueKind: JsonValueKind.Null } => double.NaN,
        JsonElement { ValueKind: JsonValueKind.True } => 1,
        JsonElement { ValueKind: JsonValueKind.False } => 0,
        _ => throw new ArgumentException($"Input '{name}' needs a number, got '{cell}'."),
    };

    /// <summary>A cell that is a number (a .NET numeric type or a JSON number) as a double; null for anything else.</summary>
    public static double? AsNumber(object? cell) => cell switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        decimal m => (double)m,
        JsonElement { ValueKind: JsonValueKind.Number } json => json.GetDouble(),
        _ => null,
    };

    public static string? ToCategory(object? cell) => cell switch
    {
        null => null,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement json => json.GetRawText(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString(),
    };

    /// <summary>The cells of a multi-column value: an array/list of numbers, or a JSON array.</summary>
    public static IReadOnlyList<object?>? ToList(object? cell) => cell switch
    {
        double[] d => [.. d.Cast<object?>()],
        float[] f => [.. f.Cast<object?>()],
        long[] l => [.. l.Cast<object?>()],
        int[] i => [.. i.Cast<object?>()],
        object?[] o => o,
        JsonElement { ValueKind: JsonValueKind.Array } json => [.. json.EnumerateArray().Select(e => (object?)e)],
        System.Collections.IEnumerable e and not string => [.. e.Cast<object?>()],
        _ => null,
    };

    /// <summary>A scalar from a one-column value (a bare value, or a one-element array).</summary>
    public static object? Scalar(object? cell) => ToList(cell) is [var only] ? only : cell;
}
