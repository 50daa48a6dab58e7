using System.Globalization;
using System.Security.Claims;
using Ferry.Core.Tracking;
using Ferry.Server.Endpoints.Mlflow.Tracking;
using Ferry.Server.Errors;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.LoggedModels;

/// <summary>
/// MLflow 3's logged models (<c>logged-models</c>, <c>logged-models/{id}</c>, its params and tags, search) and
/// <c>runs/outputs</c>, as MLflow's <c>service.proto</c> defines them.
/// </summary>
public static class LoggedModelEndpoints
{
    private static MlflowLoggedModelsJsonContext Json => MlflowLoggedModelsJsonContext.Default;

    /// <summary>Maps the routes onto an MLflow group: reads need a viewer (the group's), changes a scientist.</summary>
    public static RouteGroupBuilder MapMlflowLoggedModels(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/logged-models/{modelId}", GetAsync);
        group.MapPost("/logged-models/search", SearchAsync).WithMetadata(new ReadOnlyOperationAttribute());
        group.MapPost("/logged-models", CreateAsync).RequireAuthorization(FerryPolicies.Scientist);
        group.MapPatch("/logged-models/{modelId}", FinalizeAsync).RequireAuthorization(FerryPolicies.Scientist);
        group.MapDelete("/logged-models/{modelId}", DeleteAsync).RequireAuthorization(FerryPolicies.Scientist);
        group.MapPost("/logged-models/{modelId}/params", LogParamsAsync).RequireAuthorization(FerryPolicies.Scientist);
        group.MapPatch("/logged-models/{modelId}/tags", SetTagsAsync).RequireAuthorization(FerryPolicies.Scientist);
        group.MapDelete("/logged-models/{modelId}/tags/{key}", DeleteTagAsync).RequireAuthorization(FerryPolicies.Scientist);
        group.MapPost("/runs/outputs", LogOutputsAsync).RequireAuthorization(FerryPolicies.Scientist);
        return group;
    }

    /// <summary>POST <c>logged-models</c>: a PENDING model with its artifact location.</summary>
    public static async Task<IResult> CreateAsync(HttpRequest request, ILoggedModelStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.CreateLoggedModelRequest);
        var model = await store.CreateAsync(new NewLoggedModel(
            TrackingRequests.ExperimentId(body.ExperimentId),
            body.Name,
            body.ModelType,
            string.IsNullOrEmpty(body.SourceRunId) ? null : body.SourceRunId,
            TrackingRequests.Pairs(body.Params),
            TrackingRequests.Pairs(body.Tags)), user.ActorName(), cancellationToken);
        return Model(model);
    }

    /// <summary>GET <c>logged-models/{id}</c> (<c>?allow_deleted=true</c> also finds deleted ones).</summary>
    public static async Task<IResult> GetAsync(string modelId, HttpRequest request, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var allowDeleted = string.Equals(MlflowQuery.Optional(request, "allow_deleted"), "true", StringComparison.OrdinalIgnoreCase);
        return Model(await store.GetAsync(modelId, allowDeleted, cancellationToken));
    }

    /// <summary>PATCH <c>logged-models/{id}</c>: finalize as READY or UPLOAD_FAILED.</summary>
    public static async Task<IResult> FinalizeAsync(string modelId, HttpRequest request, ILoggedModelStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.LoggedModelRequest);
        var status = StatusOf(TrackingRequests.Required(body.Status, "status"));
        return Model(await store.FinalizeAsync(modelId, status, user.ActorName(), cancellationToken));
    }

    /// <summary>DELETE <c>logged-models/{id}</c>.</summary>
    public static async Task<IResult> DeleteAsync(string modelId, ILoggedModelStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.DeleteAsync(modelId, user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>logged-models/{id}/params</c>.</summary>
    public static async Task<IResult> LogParamsAsync(string modelId, HttpRequest request, ILoggedModelStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.LoggedModelRequest);
        await store.LogParamsAsync(modelId, TrackingRequests.Pairs(body.Params), user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>PATCH <c>logged-models/{id}/tags</c>.</summary>
    public static async Task<IResult> SetTagsAsync(string modelId, HttpRequest request, ILoggedModelStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.LoggedModelRequest);
        await store.SetTagsAsync(modelId, TrackingRequests.Pairs(body.Tags), user.ActorName(), cancellationToken);
        return Model(await store.GetAsync(modelId, cancellationToken: cancellationToken));
    }

    /// <summary>DELETE <c>logged-models/{id}/tags/{key}</c>.</summary>
    public static async Task<IResult> DeleteTagAsync(string modelId, string key, ILoggedModelStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.DeleteTagAsync(modelId, key, user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>logged-models/search</c>: MLflow's filter grammar, order_by items and page tokens.</summary>
    public static async Task<IResult> SearchAsync(HttpRequest request, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.SearchLoggedModelsRequest);
        var experimentIds = (body.ExperimentIds ?? []).Select(TrackingRequests.ExperimentId).ToList();
        if (experimentIds.Count == 0)
        {
            throw MlflowException.InvalidParameter("experiment_ids", "at least one experiment id is required");
        }

        if (body.Datasets is { Count: > 0 } || (body.OrderBy ?? []).Any(o => !string.IsNullOrEmpty(o.DatasetName)))
        {
            throw MlflowException.InvalidParameter("datasets", "Ferry does not filter logged-model metrics by dataset");
        }

        var orders = (body.OrderBy ?? []).Select(o => new LoggedModelOrder(TrackingRequests.Required(o.FieldName, "order_by.field_name"), o.Ascending ?? true)).ToList();
        var query = new LoggedModelSearchQuery(experimentIds, body.Filter, TrackingRequests.MaxResults(body.MaxResults, 50, TrackingLimits.MaxSearchResults), orders, body.PageToken);
        var page = await store.SearchAsync(query, cancellationToken);
        return MlflowJson.Ok(new SearchLoggedModelsResponse([.. page.Items.Select(ToMessage)], page.NextPageToken), Json.SearchLoggedModelsResponse);
    }

    /// <summary>POST <c>runs/outputs</c>: the logged models a run produced, at their steps.</summary>
    public static async Task<IResult> LogOutputsAsync(HttpRequest request, ILoggedModelStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.LogOutputsRequest);
        var runId = TrackingRequests.Required(body.RunId, "run_id");
        var models = (body.Models ?? []).Select(m => (TrackingRequests.Required(m.ModelId, "models.model_id"), m.Step ?? 0)).ToList();
        await store.LinkRunAsync(runId, RunModelDirection.Output, models, user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>A logged model in MLflow's shape.</summary>
    public static LoggedModelMessage ToMessage(LoggedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new LoggedModelMessage
        {
            Info = new LoggedModelInfoMessage
            {
                ModelId = model.Id,
                ExperimentId = model.ExperimentId.ToString(CultureInfo.InvariantCulture),
                Name = model.Name,
                CreationTimestampMs = model.CreationTime,
                LastUpdatedTimestampMs = model.LastUpdatedTime,
                ArtifactUri = model.ArtifactLocation,
                Status = model.Status,
                ModelType = model.ModelType,
                SourceRunId = model.SourceRunId,
                StatusMessage = model.StatusMessage,
                Tags = NullIfEmpty(model.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new KeyValueMessage { Key = t.Key, Value = t.Value })),
            },
            Data = new LoggedModelDataMessage
            {
                Params = NullIfEmpty(model.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new KeyValueMessage { Key = p.Key, Value = p.Value })),
                Metrics = NullIfEmpty(model.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).ThenBy(m => m.Step).ThenBy(m => m.Timestamp).Select(m => new MetricMessage
                {
                    Key = m.Key,
                    Value = m.ActualValue,
                    Timestamp = m.Timestamp,
                    Step = m.Step,
                    DatasetName = m.DatasetName,
                    DatasetDigest = m.DatasetDigest,
                    ModelId = m.ModelId,
                    RunId = m.RunId,
                })),
            },
        };
    }

    private static List<T>? NullIfEmpty<T>(IEnumerable<T> items) => items.ToList() is { Count: > 0 } list ? list : null;

    private static string StatusOf(string value)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= LoggedModelStatus.All.Count)
        {
            return LoggedModelStatus.All[number - 1];
        }

        var upper = value.ToUpperInvariant();
        var name = upper.StartsWith("LOGGED_MODEL_", StringComparison.Ordinal) ? upper : "LOGGED_MODEL_" + upper;
        return LoggedModelStatus.All.Contains(name) ? name : throw MlflowException.InvalidParameter("status", $"'{value}' is not a logged model status");
    }

    private static IResult Model(LoggedModel model) => MlflowJson.Ok(new LoggedModelResponse(ToMessage(model)), Json.LoggedModelResponse);
}
