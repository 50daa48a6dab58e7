using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow;

/// <summary>
/// What MLflow clients probe besides the REST API: <c>/api/3.0/mlflow/server-info</c> (store type and no workspaces, viewer),
/// <c>/version</c> and <c>/health</c> (open, like <c>/healthz</c>).
/// </summary>
public static class MlflowServerInfoApi
{
    /// <summary>
    /// The version <c>/version</c> reports: a PEP 440 version below 3.4, so 3.x clients do not attempt OTLP
    /// span export, which Ferry does not offer.
    /// </summary>
    public const string Version = "3.1.0+ferry";

    /// <summary>What MLflow 3.11's server answers for a SQL store without workspaces (the client then uses single PUTs and GETs).</summary>
    public const string ServerInfo = """{"store_type":"SqlStore","workspaces_enabled":false}""";

    /// <summary>Maps the three routes.</summary>
    public static IEndpointRouteBuilder MapMlflowServerInfo(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/api/3.0/mlflow/server-info", () => TypedResults.Text(ServerInfo, "application/json"))
            .WithTags("MLflow").WithSummary("MLflow capability probe: a SQL store, no workspaces.")
            .RequireAuthorization(FerryPolicies.Viewer);
        routes.MapGet("/version", () => TypedResults.Text(Version, "text/plain"))
            .WithTags("Health").WithSummary("The MLflow server version Ferry answers as.")
            .AllowAnonymous();
        routes.MapGet("/health", () => TypedResults.Text("OK", "text/plain"))
            .WithTags("Health").WithSummary("MLflow's liveness probe: OK.")
            .AllowAnonymous();
        return routes;
    }
}
