using System.Security.Claims;
using Ferry.Core.Errors;
using Ferry.Core.Tracking;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>Handlers of MLflow's experiment routes.</summary>
public static class ExperimentEndpoints
{
    private static MlflowTrackingJsonContext Json => MlflowTrackingJsonContext.Default;

    /// <summary>GET <c>experiments/get-by-name?experiment_name=</c>.</summary>
    public static async Task<IResult> GetByNameAsync(HttpRequest request, ITrackingStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var name = MlflowQuery.Required(request, "experiment_name");
        var experiment = await store.FindExperimentByNameAsync(name, cancellationToken)
            ?? throw new NotFoundException($"Could not find experiment with name '{name}'");
        return MlflowJson.Ok(new ExperimentResponse(TrackingMapper.ToMessage(experiment)), Json.ExperimentResponse);
    }

    /// <summary>GET <c>experiments/get?experiment_id=</c>.</summary>
    public static async Task<IResult> GetAsync(HttpRequest request, ITrackingStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var id = TrackingRequests.ExperimentId(MlflowQuery.Optional(request, "experiment_id"));
        var experiment = await store.GetExperimentAsync(id, cancellationToken);
        return MlflowJson.Ok(new ExperimentResponse(TrackingMapper.ToMessage(experiment)), Json.ExperimentResponse);
    }

    /// <summary>POST <c>experiments/create</c>.</summary>
    public static async Task<IResult> CreateAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.CreateExperimentRequest);
        var name = TrackingRequests.Required(body.Name, "name");
        var id = await store.CreateExperimentAsync(name, body.ArtifactLocation, TrackingRequests.Pairs(body.Tags), user.ActorName(), cancellationToken);
        return MlflowJson.Ok(new CreateExperimentResponse(id.ToString(System.Globalization.CultureInfo.InvariantCulture)), Json.CreateExperimentResponse);
    }

    /// <summary>POST <c>experiments/delete</c>.</summary>
    public static Task<IResult> DeleteAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        SetDeletedAsync(request, store, user, true, cancellationToken);

    /// <summary>POST <c>experiments/restore</c>.</summary>
    public static Task<IResult> RestoreAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        SetDeletedAsync(request, store, user, false, cancellationToken);

    /// <summary>POST <c>experiments/update</c> (rename).</summary>
    public static async Task<IResult> UpdateAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.ExperimentRequest);
        var id = TrackingRequests.ExperimentId(body.ExperimentId);
        await store.RenameExperimentAsync(id, TrackingRequests.Required(body.NewName, "new_name"), user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>experiments/set-experiment-tag</c>.</summary>
    public static async Task<IResult> SetTagAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.ExperimentRequest);
        var id = TrackingRequests.ExperimentId(body.ExperimentId);
        await store.SetExperimentTagAsync(id, TrackingRequests.Required(body.Key, "key"), body.Value ?? string.Empty, user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>experiments/delete-experiment-tag</c>.</summary>
    public static async Task<IResult> DeleteTagAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.ExperimentRequest);
        var id = TrackingRequests.ExperimentId(body.ExperimentId);
        await store.SetExperimentTagAsync(id, TrackingRequests.Required(body.Key, "key"), null, user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>experiments/search</c> (JSON body).</summary>
    public static async Task<IResult> SearchAsync(HttpRequest request, ITrackingStore store, CancellationToken cancellationToken)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.SearchExperimentsRequest);
        return await SearchAsync(body, store, cancellationToken);
    }

    /// <summary>GET <c>experiments/search</c> (query string).</summary>
    public static Task<IResult> SearchByQueryAsync(HttpRequest request, ITrackingStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new SearchExperimentsRequest
        {
            MaxResults = MlflowQuery.OptionalInt64(request, "max_results"),
            PageToken = MlflowQuery.Optional(request, "page_token"),
            Filter = MlflowQuery.Optional(request, "filter"),
            OrderBy = [.. request.Query["order_by"].Where(o => !string.IsNullOrEmpty(o)).Select(o => o!)],
            ViewType = MlflowQuery.Optional(request, "view_type"),
        };
        return SearchAsync(body, store, cancellationToken);
    }

    private static async Task<IResult> SearchAsync(SearchExperimentsRequest body, ITrackingStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var query = new ExperimentSearchQuery(
            body.Filter,
            TrackingRequests.ViewTypeOf(body.ViewType, "view_type"),
            TrackingRequests.MaxResults(body.MaxResults, TrackingLimits.DefaultSearchResults, TrackingLimits.MaxSearchResults),
            body.OrderBy ?? [],
            body.PageToken);
        var page = await store.SearchExperimentsAsync(query, cancellationToken);
        return MlflowJson.Ok(new SearchExperimentsResponse([.. page.Items.Select(TrackingMapper.ToMessage)], page.NextPageToken), Json.SearchExperimentsResponse);
    }

    private static async Task<IResult> SetDeletedAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, bool deleted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.ExperimentRequest);
        await store.SetExperimentDeletedAsync(TrackingRequests.ExperimentId(body.ExperimentId), deleted, user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }
}
