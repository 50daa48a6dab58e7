using Microsoft.AspNetCore.Mvc;

namespace Ferry.Server.Errors;

/// <summary>
/// Writes error bodies: RFC 9457 problem+json through ASP.NET Core's problem-details service on Ferry's own
/// routes, MLflow's <c>{"error_code", "message"}</c> on MLflow's routes and <c>{"error"}</c> on the Open Inference Protocol's.
/// </summary>
public static class ProblemResponses
{
    /// <summary>Writes an error with the given status, title and detail (and optional field errors) in the route's protocol.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        if (GrpcErrors.IsGrpcRequest(context))
        {
            await GrpcErrors.WriteAsync(context, GrpcErrors.ForStatus(status), errors is null ? detail : $"{detail} ({string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))})");
            return;
        }

        if (MlflowErrors.IsMlflowPath(context.Request.Path))
        {
            // MLflow's clients read {"error_code", "message"}, never problem+json.
            var message = errors is null ? detail : $"{detail} ({string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))})";
            await MlflowErrors.WriteAsync(context, MlflowErrorCodes.ForStatus(status), message, status);
            return;
        }

        if (ScoringErrors.IsScoringPath(context.Request.Path) && status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden))
        {
            // MLflow's scoring clients read {"error_code", "message"} too.
            var message = errors is null ? detail : $"{detail} ({string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))})";
            await MlflowErrors.WriteAsync(context, ScoringErrors.CodeFor(status), message, status);
            return;
        }

        if (OipErrors.IsOipPath(context.Request.Path) && status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden))
        {
            // OIP clients read {"error": "..."}; 401/403 stay problem+json (with an "error" member) like every protected route.
            await OipErrors.WriteAsync(context, status, errors is null || errors.Keys.All(k => detail.Contains(k, StringComparison.Ordinal)) ? detail : $"{detail} ({string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))})");
            return;
        }

        context.Response.StatusCode = status;
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        if (OipErrors.IsOipPath(context.Request.Path))
        {
            problem.Extensions["error"] = detail;
        }

        // The same problem+json whatever the Accept header says: TypedResults.Problem asks the problem-details service
        // first and, when no writer takes the request's Accept (a browser's text/html, image/*, */*;q=0), writes
        // application/problem+json itself; the service's customisation is repeated here for that case.
        problem.Extensions["traceId"] = context.TraceIdentifier;
        await TypedResults.Problem(problem).ExecuteAsync(context);
    }

    /// <summary>Answers a request that reached no endpoint (unknown route or method) or ended with an empty error status.</summary>
    public static Task WriteStatusCodeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = context.Response.StatusCode;
        if (status is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed && MlflowErrors.IsMlflowPath(context.Request.Path))
        {
            return MlflowErrors.WriteAsync(context, MlflowErrorCodes.EndpointNotFound,
                $"No MLflow endpoint answers {context.Request.Method} {context.Request.Path}.", StatusCodes.Status404NotFound);
        }

        var (title, detail) = status switch
        {
            StatusCodes.Status404NotFound => ("Not found", $"no route answers {context.Request.Method} {context.Request.Path}"),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", $"{context.Request.Path} does not accept {context.Request.Method}"),
            _ => ("Error", $"the request failed with status {status}"),
        };
        return WriteAsync(context, status, title, detail);
    }
}
