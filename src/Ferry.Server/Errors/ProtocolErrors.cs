namespace Ferry.Server.Errors;

/// <summary>Writes an error in the shape of the route's protocol: MLflow's, the Open Inference Protocol's or RFC 9457.</summary>
public static class ProtocolErrors
{
    /// <summary>Writes <paramref name="message"/> with <paramref name="status"/> (MLflow routes get <paramref name="mlflowCode"/>).</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string message, string mlflowCode)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        if (MlflowErrors.IsMlflowPath(path) || ScoringErrors.IsScoringPath(path))
        {
            return MlflowErrors.WriteAsync(context, mlflowCode, message, status);
        }

        return OipErrors.IsOipPath(path)
            ? OipErrors.WriteAsync(context, status, message)
            : ProblemResponses.WriteAsync(context, status, title, message);
    }
}
