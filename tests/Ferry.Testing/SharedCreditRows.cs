using System.Globalization;
using System.Text.Json.Nodes;

namespace Ferry.Testing;

/// <summary>The credit data of <c>../shared/models</c> as JSON records, the way the shared models were trained on it.</summary>
public static class SharedCreditRows
{
    /// <summary>The three string columns; every other column is a float32-exact number.</summary>
    public static readonly IReadOnlyList<string> Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    /// <summary>The full path of a file in <c>../shared/models</c>.</summary>
    public static string File(string name) =>
        Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "models", name));

    /// <summary>
    /// <c>test.csv</c>'s rows without missing cells, in file order: numbers parsed as float32 (as trained), categories as
    /// strings. Each call returns new objects, so a test may change them.
    /// </summary>
    public static IEnumerable<JsonObject> Complete()
    {
        var lines = System.IO.File.ReadAllLines(File("test.csv"));
        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0 || line.Contains(",,", StringComparison.Ordinal) || line.EndsWith(','))
            {
                continue;
            }

            var cells = line.Split(',');
            var record = new JsonObject();
            for (var j = 0; j < header.Length; j++)
            {
                record[header[j]] = Categorical.Contains(header[j])
                    ? JsonValue.Create(cells[j])
                    : JsonValue.Create((double)float.Parse(cells[j], CultureInfo.InvariantCulture));
            }

            yield return record;
        }
    }
}
