using System.Text;
using System.Text.Json;

namespace Ferry.Core.Tracking.Search;

/// <summary>
/// Opaque page tokens: base64 of <c>{"offset": N}</c>, as MLflow's reference server writes them. A store may add the
/// sort key of the page's last row (<c>"after": [...]</c>) so that the next page seeks to it through an index instead
/// of skipping N rows; the offset stays in the token, so any reader that only knows offsets still reads it right.
/// </summary>
public static class PageToken
{
    /// <summary>The token for the page starting at <paramref name="offset"/>.</summary>
    public static string Encode(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    /// <summary>The token for the page starting at <paramref name="offset"/>, just after the row whose sort key is <paramref name="after"/>.</summary>
    public static string Encode(int offset, IReadOnlyList<string> after)
    {
        ArgumentNullException.ThrowIfNull(after);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("offset", offset);
            writer.WriteStartArray("after");
            foreach (var value in after)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    /// <summary>The offset a token names (0 for none); an unreadable token raises <see cref="TrackingRequestException"/>.</summary>
    public static int Decode(string? token) => DecodeWithKey(token).Offset;

    /// <summary>
    /// The offset a token names and the sort key of the previous page's last row, when the token carries one of
    /// <paramref name="keyLength"/> values (null otherwise); an unreadable token raises <see cref="TrackingRequestException"/>.
    /// </summary>
    public static (int Offset, IReadOnlyList<string>? After) DecodeWithKey(string? token, int keyLength = 0)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (0, null);
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(token));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("offset", out var offset)
                && offset.TryGetInt32(out var value)
                && value >= 0)
            {
                return (value, keyLength > 0 ? After(document.RootElement, keyLength) : null);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            // Reported below.
        }

        throw new TrackingRequestException($"Invalid page token '{token}'.");
    }

    private static List<string>? After(JsonElement root, int keyLength)
    {
        if (!root.TryGetProperty("after", out var after) || after.ValueKind != JsonValueKind.Array || after.GetArrayLength() != keyLength)
        {
            return null;
        }

        var values = new List<string>(keyLength);
        foreach (var item in after.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            values.Add(item.GetString()!);
        }

        return values;
    }
}
