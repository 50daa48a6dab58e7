using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ferry.Core.Errors;

namespace Ferry.Server.Endpoints;

/// <summary>Reads a request's JSON body for Ferry's own routes (MLflow routes have <c>MlflowJson</c>).</summary>
public static class RequestJson
{
    /// <summary>
    /// Parses the request body; malformed JSON is a 400 naming where it broke, and a string that is not valid UTF-8
    /// or holds NUL is a 400 naming its JSON path (<see cref="RequestText"/>).
    /// </summary>
    /// <exception cref="ValidationException">The body is not JSON, or holds text Ferry refuses.</exception>
    public static async Task<JsonDocument> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }

        try
        {
            // The document's own buffer: no copy, one pass over the bytes when they are clean.
            RequestText.CheckJson(JsonMarshal.GetRawUtf8Value(document.RootElement));
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the body into <typeparamref name="T"/> with a source-generated <paramref name="typeInfo"/>: text is checked
    /// as <see cref="ReadAsync"/> does, and malformed or mistyped JSON is a 400 naming the JSON path.
    /// </summary>
    /// <exception cref="ValidationException">The body is not JSON for <typeparamref name="T"/>, or holds text Ferry refuses.</exception>
    public static async Task<T?> DeserializeAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        try
        {
            RequestText.CheckJson(json.Span);
            return JsonSerializer.Deserialize(json.Span, typeInfo);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex, FirstSentence(ex.Message));
        }
    }

    private static ValidationException Malformed(JsonException ex, string? why = null)
    {
        var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "$";
        var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : string.Empty;
        return new ValidationException(field, why is null ? $"the body is not valid JSON{where}" : $"the body is not valid JSON for this route{where}: {why}");
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
