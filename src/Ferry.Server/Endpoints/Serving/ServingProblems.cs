using Ferry.Server.Errors;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>Problem answers shared by the serving protocols (records, MLflow's scoring protocol, OIP).</summary>
public static class ServingProblems
{
    /// <summary>The response header that marks a suspended endpoint's fallback answer (<c>true</c>).</summary>
    public const string SuspendedHeader = "Ferry-Suspended";

    /// <summary>503: the prediction log stayed full, so nothing was answered (no prediction ids).</summary>
    public static Task WriteLogFullAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Prediction log full",
            "the prediction log's buffer stayed full, so the request was not answered (no prediction ids were issued); retry shortly");
    }

    /// <summary>
    /// Serves a request through <paramref name="serve"/> (the router); when the prediction log refused its rows
    /// (buffer full) or a durable endpoint's commit did not finish in time, answers 503 with Retry-After and returns null.
    /// </summary>
    public static async Task<ServedBatch?> ServeAsync(HttpContext context, Func<Task<ServedBatch?>> serve)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(serve);
        ServedBatch? served;
        try
        {
            served = await serve();
        }
        catch (PredictionNotCommittedException e)
        {
            context.Response.Headers.RetryAfter = "1";
            await ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Prediction not committed",
                e.Message + " The request was not answered (no prediction ids were issued); its rows will still be written once the database accepts them. Retry shortly.");
            return null;
        }

        if (served is null)
        {
            await WriteLogFullAsync(context);
        }
        else if (served.Fallback is not null)
        {
            context.Response.Headers[SuspendedHeader] = "true";
        }

        return served;
    }
}
