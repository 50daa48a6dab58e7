using Ferry.Server.Endpoints.Mlflow.Artifacts;
using Ferry.Server.Endpoints.Mlflow.LoggedModels;
using Ferry.Server.Endpoints.Mlflow.Registry;
using Ferry.Server.Endpoints.Mlflow.Tracking;
using Ferry.Server.Endpoints.Mlflow.Webhooks;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow;

/// <summary>
/// MLflow's REST API (tracking, registry, artifact proxy) as the official <c>mlflow</c> client calls it, under
/// <c>/api/2.0/mlflow</c> and the UI's <c>/ajax-api/2.0/mlflow</c> mirror. Every route needs a Ferry token
/// (<c>MLFLOW_TRACKING_TOKEN</c> is sent as a bearer token); reads need a viewer, writes a scientist.
/// </summary>
public static class MlflowApi
{
    /// <summary>Maps every MLflow route on both prefixes.</summary>
    public static IEndpointRouteBuilder MapMlflowApi(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in new[] { "/api/2.0", "/ajax-api/2.0" })
        {
            var mlflow = routes.MapGroup(prefix + "/mlflow").WithTags("MLflow").RequireAuthorization(FerryPolicies.Viewer);
            if (prefix == "/ajax-api/2.0")
            {
                mlflow.ExcludeFromDescription();
            }

            mlflow.MapMlflowTracking();
            mlflow.MapMlflowLoggedModels();
            mlflow.MapMlflowRegistry();
            mlflow.MapMlflowTransitionRequests();
            mlflow.MapMlflowWebhooks();
            var artifacts = routes.MapGroup(prefix + "/mlflow-artifacts").WithTags("MLflow artifacts").RequireAuthorization(FerryPolicies.Viewer);
            if (prefix == "/ajax-api/2.0")
            {
                artifacts.ExcludeFromDescription();
            }

            artifacts.MapMlflowArtifacts();
        }

        return routes;
    }
}
