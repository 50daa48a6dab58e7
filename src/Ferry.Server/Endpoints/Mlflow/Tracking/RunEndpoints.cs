using System.Globalization;
using System.Security.Claims;
using Ferry.Core.Tracking;
using Ferry.Server.Errors;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>Handlers of MLflow's run lifecycle routes: create, get, update, delete, restore, search.</summary>
public static class RunEndpoints
{
    private static MlflowTrackingJsonContext Json => MlflowTrackingJsonContext.Default;

    /// <summary>POST <c>runs/create</c>.</summary>
    public static async Task<IResult> CreateAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.CreateRunRequest);
        var experimentId = string.IsNullOrEmpty(body.ExperimentId) ? Experiment.DefaultId : TrackingRequests.ExperimentId(body.ExperimentId);
        var run = await store.CreateRunAsync(
            new NewRun(experimentId, body.UserId, body.RunName, body.StartTime, TrackingRequests.Pairs(body.Tags)),
            user.ActorName(),
            cancellationToken);
        return MlflowJson.Ok(new RunResponse(TrackingMapper.ToMessage(run)), Json.RunResponse);
    }

    /// <summary>GET <c>runs/get?run_id=&amp;run_uuid=</c>.</summary>
    public static async Task<IResult> GetAsync(HttpRequest request, ITrackingStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var run = await store.GetRunAsync(MlflowQuery.RunId(request), cancellationToken);
        return MlflowJson.Ok(new RunResponse(TrackingMapper.ToMessage(run)), Json.RunResponse);
    }

    /// <summary>POST <c>runs/update</c>.</summary>
    public static async Task<IResult> UpdateAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.RunRequest);
        var runId = TrackingRequests.RunId(body.RunId, body.RunUuid);
        var run = await store.UpdateRunAsync(runId, new RunUpdate(TrackingRequests.StatusOf(body.Status), body.EndTime, body.RunName), user.ActorName(), cancellationToken);
        return MlflowJson.Ok(new UpdateRunResponse(TrackingMapper.ToInfo(run)), Json.UpdateRunResponse);
    }

    /// <summary>POST <c>runs/delete</c>.</summary>
    public static Task<IResult> DeleteAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        SetDeletedAsync(request, store, user, true, cancellationToken);

    /// <summary>POST <c>runs/restore</c>.</summary>
    public static Task<IResult> RestoreAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        SetDeletedAsync(request, store, user, false, cancellationToken);

    /// <summary>POST <c>runs/search</c>.</summary>
    public static async Task<IResult> SearchAsync(HttpRequest request, ITrackingStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.SearchRunsRequest);
        var experimentIds = new List<long>();
        foreach (var id in body.ExperimentIds ?? [])
        {
            experimentIds.Add(long.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw MlflowException.InvalidParameter("experiment_ids", $"'{id}' is not an experiment id"));
        }

        var query = new RunSearchQuery(
            experimentIds,
            body.Filter,
            TrackingRequests.ViewTypeOf(body.RunViewType, "run_view_type"),
            TrackingRequests.MaxResults(body.MaxResults, TrackingLimits.DefaultSearchResults, TrackingLimits.MaxSearchResults),
            body.OrderBy ?? [],
            body.PageToken);
        var page = await store.SearchRunsAsync(query, cancellationToken);
        return MlflowJson.Ok(new SearchRunsResponse([.. page.Items.Select(TrackingMapper.ToMessage)], page.NextPageToken), Json.SearchRunsResponse);
    }

    private static async Task<IResult> SetDeletedAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, bool deleted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.RunRequest);
        await store.SetRunDeletedAsync(TrackingRequests.RunId(body.RunId, body.RunUuid), deleted, user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }
}
