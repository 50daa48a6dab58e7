using System.Net;

namespace Ferry.Client;

/// <summary>
/// A Ferry server answered with a non-success status. The fields come from its RFC 9457 problem+json body,
/// or from the status line when the body is not a problem.
/// </summary>
public sealed class FerryApiException : Exception
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>Creates an exception with no details (prefer the constructor taking a status).</summary>
    public FerryApiException()
        : this("The Ferry server rejected the request.")
    {
    }

    /// <summary>Creates an exception with a message and no status (prefer the constructor taking a status).</summary>
    public FerryApiException(string message)
        : this(message, (Exception?)null)
    {
    }

    /// <summary>Creates an exception with a message and a cause (prefer the constructor taking a status).</summary>
    public FerryApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Title = message;
        Errors = NoErrors;
    }

    /// <summary>Creates the exception for a failed response.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="title">The problem's title, or the status line.</param>
    /// <param name="detail">The problem's detail, if any.</param>
    /// <param name="errors">Messages per invalid field, if any.</param>
    /// <param name="traceId">The server's trace id for this request, if it sent one.</param>
    public FerryApiException(HttpStatusCode statusCode, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null, string? traceId = null)
        : base(Describe(statusCode, title, detail))
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        Errors = errors ?? NoErrors;
        TraceId = traceId;
    }

    private FerryApiException(string errorCode, HttpStatusCode statusCode, string message)
        : base(Describe(statusCode, errorCode, message))
    {
        StatusCode = statusCode;
        Title = errorCode;
        Detail = message;
        Errors = NoErrors;
        ErrorCode = errorCode;
    }

    /// <summary>Creates the exception for an MLflow-style error answer, <c>{"error_code", "message"}</c>.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="errorCode">MLflow's error code, e.g. <c>RESOURCE_DOES_NOT_EXIST</c>; also the <see cref="Title"/>.</param>
    /// <param name="message">The server's message; also the <see cref="Detail"/>.</param>
    /// <returns>The exception, with <see cref="ErrorCode"/> set.</returns>
    public static FerryApiException FromMlflowError(HttpStatusCode statusCode, string errorCode, string message) =>
        new(errorCode, statusCode, message);

    /// <summary>MLflow's error code (<c>RESOURCE_ALREADY_EXISTS</c>, <c>INVALID_PARAMETER_VALUE</c>, ...) when the
    /// server answered on an MLflow route; null for Ferry's own problem+json answers.</summary>
    public string? ErrorCode { get; }

    /// <summary>The HTTP status the server answered with.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>A short summary of the problem ("Forbidden", "Invalid request").</summary>
    public string Title { get; }

    /// <summary>What went wrong for this request, if the server said.</summary>
    public string? Detail { get; }

    /// <summary>Messages per invalid field (empty unless the request failed validation).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>The server's trace id for the request, to find it in the server's log.</summary>
    public string? TraceId { get; }

    private static string Describe(HttpStatusCode statusCode, string title, string? detail) =>
        string.IsNullOrWhiteSpace(detail)
            ? $"{title} ({(int)statusCode})"
            : $"{title} ({(int)statusCode}): {detail}";
}
