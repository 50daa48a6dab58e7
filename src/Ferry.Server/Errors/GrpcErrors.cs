using Grpc.Core;

namespace Ferry.Server.Errors;

/// <summary>
/// Errors on gRPC calls: a gRPC client reads <c>grpc-status</c> and <c>grpc-message</c>, not an HTTP status or a body, so
/// errors raised before a call reaches its service (authentication, authorization, rate limits, unknown methods) are
/// answered as a trailers-only gRPC response with the matching status code.
/// </summary>
public static class GrpcErrors
{
    /// <summary>Whether a request is a gRPC call (<c>content-type: application/grpc</c>, any suffix).</summary>
    public static bool IsGrpcRequest(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>The gRPC status code for an HTTP status, as gRPC's own HTTP-to-gRPC mapping reads it.</summary>
    public static StatusCode ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge => StatusCode.InvalidArgument,
        StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
        StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
        StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed => StatusCode.Unimplemented,
        StatusCodes.Status409Conflict => StatusCode.FailedPrecondition,
        StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
        StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    /// <summary>Answers the call with <paramref name="code"/> and <paramref name="message"/> (HTTP 200, trailers only).</summary>
    public static Task WriteAsync(HttpContext context, StatusCode code, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
