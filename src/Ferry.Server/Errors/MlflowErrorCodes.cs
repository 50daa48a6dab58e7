namespace Ferry.Server.Errors;

/// <summary>MLflow's error codes and the HTTP status each one travels with (mlflow/exceptions.py).</summary>
public static class MlflowErrorCodes
{
    /// <summary>400: a field is missing, malformed or not allowed.</summary>
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";

    /// <summary>400: the request itself is malformed.</summary>
    public const string BadRequest = "BAD_REQUEST";

    /// <summary>400 (not 409): the named thing already exists.</summary>
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";

    /// <summary>409: conflicting state.</summary>
    public const string ResourceConflict = "RESOURCE_CONFLICT";

    /// <summary>401.</summary>
    public const string Unauthenticated = "UNAUTHENTICATED";

    /// <summary>403.</summary>
    public const string PermissionDenied = "PERMISSION_DENIED";

    /// <summary>404: the named thing does not exist.</summary>
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";

    /// <summary>404: no such route (clients fall back on this code).</summary>
    public const string EndpointNotFound = "ENDPOINT_NOT_FOUND";

    /// <summary>500.</summary>
    public const string InternalError = "INTERNAL_ERROR";

    /// <summary>429: a rate limit was reached.</summary>
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";

    /// <summary>501.</summary>
    public const string NotImplemented = "NOT_IMPLEMENTED";

    /// <summary>503.</summary>
    public const string TemporarilyUnavailable = "TEMPORARILY_UNAVAILABLE";

    /// <summary>The HTTP status for a code.</summary>
    public static int StatusOf(string code) => code switch
    {
        InvalidParameterValue or BadRequest or ResourceAlreadyExists => StatusCodes.Status400BadRequest,
        ResourceConflict => StatusCodes.Status409Conflict,
        Unauthenticated => StatusCodes.Status401Unauthorized,
        PermissionDenied => StatusCodes.Status403Forbidden,
        ResourceDoesNotExist or EndpointNotFound => StatusCodes.Status404NotFound,
        NotImplemented => StatusCodes.Status501NotImplemented,
        RequestLimitExceeded => StatusCodes.Status429TooManyRequests,
        TemporarilyUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The code for an HTTP status Ferry produced without a more specific code.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType => InvalidParameterValue,
        StatusCodes.Status401Unauthorized => Unauthenticated,
        StatusCodes.Status403Forbidden => PermissionDenied,
        StatusCodes.Status404NotFound => ResourceDoesNotExist,
        StatusCodes.Status405MethodNotAllowed => EndpointNotFound,
        StatusCodes.Status409Conflict => ResourceConflict,
        StatusCodes.Status501NotImplemented => NotImplemented,
        StatusCodes.Status503ServiceUnavailable => TemporarilyUnavailable,
        _ => InternalError,
    };
}
