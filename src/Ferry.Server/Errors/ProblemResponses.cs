using Microsoft.AspNetCore.Mvc;

namespace Ferry.Server.Errors;

/// <summary>Writes RFC 9457 problem+json bodies through ASP.NET Core's problem-details service.</summary>
public static class ProblemResponses
{
    /// <summary>Writes a problem with the given status, title and detail (and optional field errors).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        var problem = errors is null
            ? new ProblemDetails()
            : new ValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
