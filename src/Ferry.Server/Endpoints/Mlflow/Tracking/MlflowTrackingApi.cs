namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>MLflow's tracking routes.</summary>
public static class MlflowTrackingApi
{
    /// <summary>Maps the tracking routes onto an MLflow group.</summary>
    public static RouteGroupBuilder MapMlflowTracking(this RouteGroupBuilder group) => group;
}
