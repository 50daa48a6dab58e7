using Ferry.Core.Health;
using Ferry.Server.Errors;
using Ferry.Server.Health;

namespace Ferry.Server.Endpoints.Health;

/// <summary>Liveness and readiness probes; open to everyone (they reveal nothing).</summary>
public static class HealthApi
{
    private static int _called;
    private static int _answeredReady;

    /// <summary>Maps <c>/healthz</c> and <c>/readyz</c>.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(string.Empty).WithTags("Health").AllowAnonymous();
        group.MapGet("/healthz", Alive).WithName("Healthz").WithSummary("The process is alive.");
        group.MapGet("/readyz", ReadyAsync).WithName("Readyz").WithSummary("The database is reachable and fully migrated.");
        return routes;
    }

    /// <summary>Always 200 while the process serves requests.</summary>
    public static IResult Alive() => TypedResults.Ok(new HealthStatus("alive"));

    /// <summary>200 when the database answers and has no pending migration; 503 problem otherwise.</summary>
    public static async Task<IResult> ReadyAsync(HttpContext context, IDatabaseHealth database, DatabaseReadiness readiness, DatabaseOutage outage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(readiness);
        MarkFirst(ref _called, "readyz-first-call");
        string reason;
        try
        {
            if (!readiness.IsMigrated)
            {
                reason = "the database has not been migrated yet";
            }
            else if (!readiness.IsReady)
            {
                reason = "start-up is still creating the admin token and the default experiment";
            }
            else if (await database.CanConnectAsync(cancellationToken))
            {
                outage.ReportAvailable();
                MarkFirst(ref _answeredReady, "readyz-200");
                return TypedResults.Ok(new HealthStatus("ready"));
            }
            else
            {
                reason = "the database is unreachable";
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            reason = "the database check failed: " + e.GetType().Name;
        }

        await ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Not ready", reason);
        return TypedResults.Empty;
    }

    // bench/startup's phase marks (FERRY_STARTUP_TIMINGS): the first call reached, and the first 200.
    private static void MarkFirst(ref int done, string phase)
    {
        if (Telemetry.StartupTimings.Enabled && Interlocked.Exchange(ref done, 1) == 0)
        {
            Telemetry.StartupTimings.Mark(phase);
        }
    }
}

/// <summary>A probe's answer.</summary>
/// <param name="Status">"alive" or "ready".</param>
public sealed record HealthStatus(string Status);
