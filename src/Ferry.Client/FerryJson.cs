using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ferry.Client;

/// <summary>The JSON settings Ferry's API speaks: web defaults (camelCase, case-insensitive reads) and enums as strings.</summary>
public static class FerryJson
{
    /// <summary>Read-only options shared by every request and response of the client.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}
