namespace Ferry.Client.Mlflow;

/// <summary>The MLflow error codes a caller is likely to test for on <see cref="FerryApiException.ErrorCode"/>.</summary>
public static class MlflowErrorCodes
{
    /// <summary>A field is missing, malformed or not allowed (HTTP 400).</summary>
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";

    /// <summary>The named thing already exists (HTTP 400).</summary>
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";

    /// <summary>The named thing does not exist (HTTP 404).</summary>
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";

    /// <summary>No such route (HTTP 404).</summary>
    public const string EndpointNotFound = "ENDPOINT_NOT_FOUND";

    /// <summary>True when <paramref name="exception"/> carries <paramref name="code"/>.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="code">One of the codes above.</param>
    public static bool Is(FerryApiException exception, string code)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return string.Equals(exception.ErrorCode, code, StringComparison.Ordinal);
    }
}
