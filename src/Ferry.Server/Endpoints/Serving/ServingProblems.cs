using Ferry.Server.Errors;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>Problem answers shared by the serving protocols (records, MLflow's scoring protocol, OIP).</summary>
public static class ServingProblems
{
    /// <summary>503: the prediction log stayed full, so nothing was answered (no prediction ids).</summary>
    public static Task WriteLogFullAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Prediction log full",
            "the prediction log's buffer stayed full, so the request was not answered (no prediction ids were issued); retry shortly");
    }
}
