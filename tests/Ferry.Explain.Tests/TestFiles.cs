using System.Text.Json;

namespace Ferry.Explain.Tests;

/// <summary>Committed test data, copied beside the test assembly.</summary>
internal static class TestFiles
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "testdata", name);

    public static string Explain(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "testdata", "explain", name);

    public static JsonElement Json(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    /// <summary>A JSON array of numbers (null = missing) as doubles.</summary>
    public static double[] Numbers(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble())];

    public static double[][] Matrix(JsonElement array) => [.. array.EnumerateArray().Select(Numbers)];
}
