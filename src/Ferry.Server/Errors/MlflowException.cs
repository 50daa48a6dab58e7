namespace Ferry.Server.Errors;

/// <summary>An error answered in MLflow's own shape, <c>{"error_code", "message"}</c>, with the code's HTTP status.</summary>
public sealed class MlflowException(string errorCode, string message) : Exception(message)
{
    /// <summary>One of <see cref="MlflowErrorCodes"/>.</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>The HTTP status that goes with <see cref="ErrorCode"/>.</summary>
    public int StatusCode => MlflowErrorCodes.StatusOf(ErrorCode);

    /// <summary>400 for a required field the request left out, worded as MLflow words it.</summary>
    public static MlflowException MissingParameter(string name) =>
        new(MlflowErrorCodes.InvalidParameterValue,
            $"Missing value for required parameter '{name}'. See the API docs for more information about request parameters.");

    /// <summary>400 for a field whose value is not acceptable.</summary>
    public static MlflowException InvalidParameter(string name, string why) =>
        new(MlflowErrorCodes.InvalidParameterValue, $"Invalid value for parameter '{name}' supplied: {why}");
}
