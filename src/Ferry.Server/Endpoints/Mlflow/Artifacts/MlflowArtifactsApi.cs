namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>MLflow's artifacts routes.</summary>
public static class MlflowArtifactsApi
{
    /// <summary>Maps the artifacts routes onto an MLflow group.</summary>
    public static RouteGroupBuilder MapMlflowArtifacts(this RouteGroupBuilder group) => group;
}
