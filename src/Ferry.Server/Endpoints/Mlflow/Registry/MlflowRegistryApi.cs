namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>MLflow's registry routes.</summary>
public static class MlflowRegistryApi
{
    /// <summary>Maps the registry routes onto an MLflow group.</summary>
    public static RouteGroupBuilder MapMlflowRegistry(this RouteGroupBuilder group) => group;
}
