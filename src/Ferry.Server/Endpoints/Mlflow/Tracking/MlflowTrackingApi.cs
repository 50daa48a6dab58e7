using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>
/// MLflow's tracking routes. Reads (GET and the search POSTs) need a viewer, as the group requires; every other
/// POST needs a scientist.
/// </summary>
public static class MlflowTrackingApi
{
    /// <summary>Maps the tracking routes onto an MLflow group.</summary>
    public static RouteGroupBuilder MapMlflowTracking(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/experiments/get-by-name", ExperimentEndpoints.GetByNameAsync);
        group.MapGet("/experiments/get", ExperimentEndpoints.GetAsync);
        group.MapGet("/experiments/search", ExperimentEndpoints.SearchByQueryAsync);
        group.MapPost("/experiments/search", ExperimentEndpoints.SearchAsync).WithMetadata(new ReadOnlyOperationAttribute());
        Write(group, "/experiments/create", ExperimentEndpoints.CreateAsync);
        Write(group, "/experiments/delete", ExperimentEndpoints.DeleteAsync);
        Write(group, "/experiments/restore", ExperimentEndpoints.RestoreAsync);
        Write(group, "/experiments/update", ExperimentEndpoints.UpdateAsync);
        Write(group, "/experiments/set-experiment-tag", ExperimentEndpoints.SetTagAsync);
        Write(group, "/experiments/delete-experiment-tag", ExperimentEndpoints.DeleteTagAsync);

        group.MapGet("/runs/get", RunEndpoints.GetAsync);
        group.MapPost("/runs/search", RunEndpoints.SearchAsync).WithMetadata(new ReadOnlyOperationAttribute());
        group.MapGet("/metrics/get-history", RunLoggingEndpoints.GetHistoryAsync);
        Write(group, "/runs/create", RunEndpoints.CreateAsync);
        Write(group, "/runs/update", RunEndpoints.UpdateAsync);
        Write(group, "/runs/delete", RunEndpoints.DeleteAsync);
        Write(group, "/runs/restore", RunEndpoints.RestoreAsync);
        Write(group, "/runs/log-parameter", RunLoggingEndpoints.LogParameterAsync);
        Write(group, "/runs/log-metric", RunLoggingEndpoints.LogMetricAsync);
        Write(group, "/runs/log-batch", RunLoggingEndpoints.LogBatchAsync);
        Write(group, "/runs/set-tag", RunLoggingEndpoints.SetTagAsync);
        Write(group, "/runs/delete-tag", RunLoggingEndpoints.DeleteTagAsync);
        Write(group, "/runs/log-inputs", RunLoggingEndpoints.LogInputsAsync);
        Write(group, "/runs/log-model", RunLoggingEndpoints.LogModelAsync);
        return group;
    }

    private static void Write(RouteGroupBuilder group, string pattern, Delegate handler) =>
        group.MapPost(pattern, handler).RequireAuthorization(FerryPolicies.Scientist);
}
