using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
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

    /// <summary>
    /// Every row of <c>test.csv</c> as a predict record (a missing cell as null: the pipeline imputes it) with its inputs
    /// as the router logs them: members in column order, float32 values written as doubles, missing as null.
    /// </summary>
    public static IEnumerable<(JsonObject Record, string LoggedInputs)> WithLoggedInputs()
    {
        var lines = System.IO.File.ReadAllLines(File("test.csv")).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var record = new JsonObject();
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                for (var j = 0; j < header.Length; j++)
                {
                    writer.WritePropertyName(header[j]);
                    if (Categorical.Contains(header[j]))
                    {
                        record[header[j]] = cells[j];
                        writer.WriteStringValue(cells[j]);
                    }
                    else if (cells[j].Length == 0)
                    {
                        record[header[j]] = null;
                        writer.WriteNullValue();
                    }
                    else
                    {
                        var value = (double)float.Parse(cells[j], CultureInfo.InvariantCulture);
                        record[header[j]] = value;
                        writer.WriteNumberValue(value);
                    }
                }

                writer.WriteEndObject();
            }

            yield return (record, Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }
}
