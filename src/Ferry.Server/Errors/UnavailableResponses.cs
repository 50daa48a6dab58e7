using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Ferry.Server.Errors;

/// <summary>
/// The answer to a request that needed the database while it was unavailable: 503 with <c>Retry-After</c>, in the
/// route's protocol (problem+json; MLflow's <c>{"error_code": "TEMPORARILY_UNAVAILABLE", "message"}</c>; OIP's
/// <c>{"error"}</c>).
/// </summary>
public static class UnavailableResponses
{
    /// <summary>The problem's title on Ferry's own routes.</summary>
    public const string Title = "Database unavailable";

    /// <summary>Writes the 503 with <c>Retry-After</c> in whole seconds.</summary>
    public static Task WriteDatabaseUnavailableAsync(HttpContext context, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        return ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Title,
            $"Ferry's database is unavailable; retry in {seconds} s. Serving predictions goes on meanwhile.");
    }
}
