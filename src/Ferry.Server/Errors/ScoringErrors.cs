using Ferry.Core.Errors;

namespace Ferry.Server.Errors;

/// <summary>
/// Errors on an endpoint's MLflow scoring route (<c>/api/v1/endpoints/{name}/invocations</c>) in the shape MLflow's
/// scoring server answers: <c>{"error_code", "message"}</c>; a malformed request is 400 <c>BAD_REQUEST</c>, a record
/// missing a required column 400 <c>INVALID_PARAMETER_VALUE</c> (MLflow's schema enforcement). 401 and 403 stay
/// problem+json like every protected route.
/// </summary>
public static class ScoringErrors
{
    /// <summary>True for <c>/api/v1/endpoints/{name}/invocations</c>.</summary>
    public static bool IsScoringPath(PathString path)
    {
        if (!path.StartsWithSegments("/api/v1/endpoints", StringComparison.OrdinalIgnoreCase, out var rest) || !rest.HasValue)
        {
            return false;
        }

        var segments = rest.Value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 2 && string.Equals(segments[1], "invocations", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The MLflow error code for a status on the scoring route.</summary>
    public static string CodeFor(int status) =>
        status switch
        {
            StatusCodes.Status400BadRequest => MlflowErrorCodes.BadRequest,
            StatusCodes.Status429TooManyRequests => MlflowErrorCodes.RequestLimitExceeded,
            _ => MlflowErrorCodes.ForStatus(status),
        };

    /// <summary>Maps an exception raised on the scoring route; false when it is not one Ferry expects.</summary>
    public static async Task<bool> TryWriteAsync(HttpContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (exception)
        {
            case ValidationException validation:
                var missing = validation.Errors.Values.SelectMany(m => m).All(m => m == "is required");
                await MlflowErrors.WriteAsync(context, missing ? MlflowErrorCodes.InvalidParameterValue : MlflowErrorCodes.BadRequest,
                    validation.Message, StatusCodes.Status400BadRequest);
                return true;
            case NotFoundException notFound:
                await MlflowErrors.WriteAsync(context, MlflowErrorCodes.ResourceDoesNotExist, notFound.Message, StatusCodes.Status404NotFound);
                return true;
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                await MlflowErrors.WriteAsync(context, MlflowErrorCodes.InvalidParameterValue, "The request body is larger than this route accepts.", StatusCodes.Status413PayloadTooLarge);
                return true;
            case BadHttpRequestException bad:
                await MlflowErrors.WriteAsync(context, MlflowErrorCodes.BadRequest, bad.Message, StatusCodes.Status400BadRequest);
                return true;
            default:
                return false;
        }
    }
}
