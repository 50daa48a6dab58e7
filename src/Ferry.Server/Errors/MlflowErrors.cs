using System.Text.Json;
using Ferry.Core.Errors;

namespace Ferry.Server.Errors;

/// <summary>Writes errors on MLflow routes in MLflow's shape, and tells MLflow routes apart from Ferry's own.</summary>
public static class MlflowErrors
{
    private static readonly string[] Prefixes = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow", "/api/3.0/mlflow", "/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];

    /// <summary>True for paths that speak MLflow's protocol (and so its error shape).</summary>
    public static bool IsMlflowPath(PathString path) =>
        Prefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>Writes <c>{"error_code", "message"}</c> with the code's status (or <paramref name="status"/> when given).</summary>
    public static async Task WriteAsync(HttpContext context, string errorCode, string message, int? status = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status ?? MlflowErrorCodes.StatusOf(errorCode);
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("error_code", errorCode);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>Maps an exception raised on an MLflow route; false when it is not one Ferry expects.</summary>
    public static async Task<bool> TryWriteAsync(HttpContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (exception)
        {
            case MlflowException mlflow:
                await WriteAsync(context, mlflow.ErrorCode, mlflow.Message);
                return true;
            case AlreadyExistsException exists:
                await WriteAsync(context, MlflowErrorCodes.ResourceAlreadyExists, exists.Message);
                return true;
            case NotFoundException notFound:
                await WriteAsync(context, MlflowErrorCodes.ResourceDoesNotExist, notFound.Message);
                return true;
            case ValidationException or Ferry.Core.Artifacts.InvalidArtifactPathException:
                await WriteAsync(context, MlflowErrorCodes.InvalidParameterValue, exception.Message);
                return true;
            case ConflictException conflict:
                await WriteAsync(context, MlflowErrorCodes.ResourceConflict, conflict.Message);
                return true;
            case Ferry.Core.Artifacts.ArtifactStoreUnavailableException unavailable:
                await WriteAsync(context, MlflowErrorCodes.TemporarilyUnavailable, unavailable.Message, StatusCodes.Status503ServiceUnavailable);
                return true;
            case FerryException other:
                await WriteAsync(context, MlflowErrorCodes.InvalidParameterValue, other.Message);
                return true;
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                await WriteAsync(context, MlflowErrorCodes.InvalidParameterValue, "The request body is larger than this route accepts.", StatusCodes.Status413PayloadTooLarge);
                return true;
            case BadHttpRequestException bad:
                await WriteAsync(context, MlflowErrorCodes.BadRequest, bad.InnerException is JsonException inner ? Describe(inner) : bad.Message, StatusCodes.Status400BadRequest);
                return true;
            case JsonException json:
                await WriteAsync(context, MlflowErrorCodes.InvalidParameterValue, Describe(json));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Words a JSON error the way MLflow does, naming the parameter when the path is known.</summary>
    public static string Describe(JsonException json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var path = json.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "Malformed JSON in the request body: " + FirstSentence(json.Message);
        }

        var name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        return $"Invalid value for parameter '{name}' supplied: {FirstSentence(json.Message)}";
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
