using System.Globalization;
using System.Text.Json;

namespace Ferry.Client.Models;

/// <summary>
/// A JSON object from Ferry's own API kept as the server sent it, with tolerant typed accessors (a field may be
/// named in camelCase or snake_case, a number may arrive as text). <see cref="Json"/> is what a script should print.
/// </summary>
public abstract class JsonView
{
    /// <summary>Wraps a JSON object (cloned, so it outlives the document it came from).</summary>
    protected JsonView(JsonElement json) => Json = json.Clone();

    /// <summary>The object as the server sent it.</summary>
    public JsonElement Json { get; }

    /// <summary>The named property (first of the given spellings that is present and not null).</summary>
    protected JsonElement? Property(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (Json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (Json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>A string property (numbers are given as their text).</summary>
    protected string? Text(params string[] names) => Property(names) is { } value
        ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
        : null;

    /// <summary>An integer property given as a number or as text.</summary>
    protected int? Number(params string[] names) => Property(names) is { } value
        ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
            : value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : null
        : null;
}
