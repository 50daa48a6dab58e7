using System.Text;
using System.Text.Json;

namespace Ferry.Core.Tracking.Search;

/// <summary>Opaque page tokens: base64 of <c>{"offset": N}</c>, as MLflow's reference server writes them.</summary>
public static class PageToken
{
    /// <summary>The token for the page starting at <paramref name="offset"/>.</summary>
    public static string Encode(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    /// <summary>The offset a token names (0 for none); an unreadable token raises <see cref="TrackingRequestException"/>.</summary>
    public static int Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(token));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("offset", out var offset)
                && offset.TryGetInt32(out var value)
                && value >= 0)
            {
                return value;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            // Reported below.
        }

        throw new TrackingRequestException($"Invalid page token '{token}'.");
    }
}
