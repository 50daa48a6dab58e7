using System.Text.Json;

namespace Ferry.Server.Errors;

/// <summary>The Open Inference Protocol's error shape, <c>{"error": "..."}</c>, on its <c>/v2</c> routes.</summary>
public static class OipErrors
{
    /// <summary>Whether a path is an Open Inference Protocol route (<c>/v2</c> and below).</summary>
    public static bool IsOipPath(PathString path) => path.StartsWithSegments("/v2", StringComparison.Ordinal);

    /// <summary>Writes <c>{"error": message}</c> with the status.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
