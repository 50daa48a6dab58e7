using System.Text.Json;
using Ferry.Core.Artifacts;
using Ferry.Core.Errors;
using Ferry.Server.Health;
using Microsoft.AspNetCore.Diagnostics;

namespace Ferry.Server.Errors;

/// <summary>
/// Turns exceptions into problem+json: Ferry's own errors by kind, malformed or oversized requests
/// into 400/413 naming what was wrong, the database being unavailable into a 503 with <c>Retry-After</c> (logged once
/// per outage by <see cref="DatabaseOutage"/>, not per request), and anything unexpected into a 500 that reveals nothing internal.
/// </summary>
public sealed partial class FerryExceptionHandler(ILogger<FerryExceptionHandler> logger, DatabaseOutage outage) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not OperationCanceledException && outage.Observe(exception))
        {
            outage.Answered503();
            await UnavailableResponses.WriteDatabaseUnavailableAsync(httpContext, outage.RetryAfter);
            return true;
        }

        if (exception is ArtifactStoreUnavailableException artifactStore)
        {
            LogArtifactStoreUnavailable(logger, artifactStore.Message);
        }

        if (ScoringErrors.IsScoringPath(httpContext.Request.Path) && await ScoringErrors.TryWriteAsync(httpContext, exception))
        {
            return true;
        }

        if (MlflowErrors.IsMlflowPath(httpContext.Request.Path) && await MlflowErrors.TryWriteAsync(httpContext, exception))
        {
            return true;
        }

        switch (exception)
        {
            case ValidationException validation:
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status400BadRequest, "Invalid request", validation.Message,
                    validation.Errors.ToDictionary(e => e.Key, e => e.Value));
                return true;
            case NotFoundException notFound:
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status404NotFound, "Not found", notFound.Message);
                return true;
            case AlreadyExistsException exists:
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status409Conflict, "Already exists", exists.Message);
                return true;
            case ConflictException conflict:
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status409Conflict, "Conflict", conflict.Message);
                return true;
            case ArtifactStoreUnavailableException unavailable:
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "Artifact store unavailable", unavailable.Message);
                return true;
            case FerryException other:
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status400BadRequest, "Invalid request", other.Message);
                return true;
            case BadHttpRequestException badRequest:
                await WriteBadRequestAsync(httpContext, badRequest);
                return true;
            case InvalidDataException form when httpContext.Request.HasFormContentType:
                // ASP.NET Core's form reader refuses a value that decodes to NUL or breaks its limits.
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status400BadRequest, "Malformed form", form.Message);
                return true;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                // The caller went away; there is nobody to answer.
                return true;
            default:
                LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status500InternalServerError, "Internal error",
                    $"Ferry failed to handle this request; the server log has the details (trace id {httpContext.TraceIdentifier}).");
                return true;
        }
    }

    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ProblemResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                "the request body is larger than this route accepts");
        }

        var json = FindInner<JsonException>(exception);
        if (json is not null)
        {
            var field = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
            var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : string.Empty;
            return ProblemResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "Malformed JSON",
                $"the request body is not valid JSON for this route at {field}{where}",
                new Dictionary<string, string[]> { [field] = [FirstSentence(json.Message)] });
        }

        return ProblemResponses.WriteAsync(context, exception.StatusCode, "Bad request", exception.Message);
    }

    private static T? FindInner<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Artifact store unavailable: {Reason}")]
    private static partial void LogArtifactStoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
