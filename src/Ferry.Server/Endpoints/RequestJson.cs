using System.Text.Json;
using Ferry.Core.Errors;

namespace Ferry.Server.Endpoints;

/// <summary>Reads a request's JSON body for Ferry's own routes (MLflow routes have <c>MlflowJson</c>).</summary>
public static class RequestJson
{
    /// <summary>Parses the request body; malformed JSON is a 400 naming where it broke.</summary>
    /// <exception cref="ValidationException">The body is not JSON.</exception>
    public static async Task<JsonDocument> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : string.Empty;
            throw new ValidationException("$", $"the body is not valid JSON{where}");
        }
    }
}
