using System.Security.Claims;
using Ferry.Core.Tracking;
using Ferry.Server.Errors;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>Handlers of what runs log: params, metrics, batches, tags, inputs, models, and metric history.</summary>
public static class RunLoggingEndpoints
{
    private static MlflowTrackingJsonContext Json => MlflowTrackingJsonContext.Default;

    /// <summary>POST <c>runs/log-parameter</c>.</summary>
    public static async Task<IResult> LogParameterAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.RunRequest);
        var runId = TrackingRequests.RunId(body.RunId, body.RunUuid);
        var key = TrackingRequests.Required(body.Key, "key");
        var batch = new RunBatch([], [new(key, body.Value ?? string.Empty)], []);
        await store.LogBatchAsync(runId, batch, "run.log-param", user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>runs/log-metric</c>.</summary>
    public static async Task<IResult> LogMetricAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.LogMetricRequest);
        var runId = TrackingRequests.RunId(body.RunId, body.RunUuid);
        var key = TrackingRequests.Required(body.Key, "key");
        var value = body.Value ?? throw MlflowException.MissingParameter("value");
        var timestamp = body.Timestamp ?? throw MlflowException.MissingParameter("timestamp");
        var batch = new RunBatch([new MetricValue(key, value, timestamp, body.Step ?? 0, Blank(body.ModelId), Blank(body.DatasetName), Blank(body.DatasetDigest))], [], []);
        await store.LogBatchAsync(runId, batch, "run.log-metric", user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>runs/log-batch</c>: all or nothing, in one transaction.</summary>
    public static async Task<IResult> LogBatchAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.LogBatchRequest);
        var runId = TrackingRequests.RunId(body.RunId, body.RunUuid);
        var metrics = new List<MetricValue>();
        foreach (var metric in body.Metrics ?? [])
        {
            metrics.Add(new MetricValue(
                TrackingRequests.Required(metric.Key, "metrics.key"),
                metric.Value ?? throw MlflowException.MissingParameter("metrics.value"),
                metric.Timestamp ?? throw MlflowException.MissingParameter("metrics.timestamp"),
                metric.Step ?? 0,
                Blank(metric.ModelId),
                Blank(metric.DatasetName),
                Blank(metric.DatasetDigest)));
        }

        var batch = new RunBatch(metrics, TrackingRequests.Pairs(body.Params), TrackingRequests.Pairs(body.Tags));
        await store.LogBatchAsync(runId, batch, "run.log-batch", user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>runs/set-tag</c>.</summary>
    public static async Task<IResult> SetTagAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.RunRequest);
        var runId = TrackingRequests.RunId(body.RunId, body.RunUuid);
        var key = TrackingRequests.Required(body.Key, "key");
        await store.LogBatchAsync(runId, new RunBatch([], [], [new(key, body.Value ?? string.Empty)]), "run.set-tag", user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>runs/delete-tag</c>.</summary>
    public static async Task<IResult> DeleteTagAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.RunRequest);
        var runId = TrackingRequests.RunId(body.RunId, body.RunUuid);
        await store.DeleteRunTagAsync(runId, TrackingRequests.Required(body.Key, "key"), user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>POST <c>runs/log-inputs</c>.</summary>
    public static async Task<IResult> LogInputsAsync(HttpRequest request, ITrackingStore store, ILoggedModelStore models, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.LogInputsRequest);
        var runId = TrackingRequests.RunId(body.RunId, body.RunUuid);
        var datasets = (body.Datasets ?? []).Select(d => new DatasetInput(
            d.Dataset?.Name ?? string.Empty,
            d.Dataset?.Digest ?? string.Empty,
            d.Dataset?.SourceType ?? string.Empty,
            d.Dataset?.Source ?? string.Empty,
            d.Dataset?.Schema,
            d.Dataset?.Profile,
            TrackingRequests.Pairs(d.Tags))).ToList();
        var modelInputs = (body.Models ?? []).Select(m => (TrackingRequests.Required(m.ModelId, "models.model_id"), 0L)).ToList();
        if (datasets.Count > 0 || modelInputs.Count == 0)
        {
            await store.LogInputsAsync(runId, datasets, user.ActorName(), cancellationToken);
        }

        if (modelInputs.Count > 0)
        {
            ArgumentNullException.ThrowIfNull(models);
            await models.LinkRunAsync(runId, RunModelDirection.Input, modelInputs, user.ActorName(), cancellationToken);
        }

        return MlflowJson.Empty();
    }

    /// <summary>POST <c>runs/log-model</c>.</summary>
    public static async Task<IResult> LogModelAsync(HttpRequest request, ITrackingStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var body = await MlflowJson.ReadBodyAsync(request, Json.RunRequest);
        var runId = TrackingRequests.RunId(body.RunId, body.RunUuid);
        await store.LogModelAsync(runId, TrackingRequests.Required(body.ModelJson, "model_json"), user.ActorName(), cancellationToken);
        return MlflowJson.Empty();
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>GET <c>metrics/get-history</c>.</summary>
    public static async Task<IResult> GetHistoryAsync(HttpRequest request, ITrackingStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var runId = MlflowQuery.RunId(request);
        var key = MlflowQuery.Required(request, "metric_key");
        var maxResults = MlflowQuery.OptionalInt64(request, "max_results") is { } max
            ? TrackingRequests.MaxResults(max, 25000, int.MaxValue - 1)
            : (int?)null;
        var page = await store.GetMetricHistoryAsync(runId, key, maxResults, MlflowQuery.Optional(request, "page_token"), cancellationToken);
        return MlflowJson.Ok(new MetricHistoryResponse([.. page.Items.Select(TrackingMapper.ToMessage)], page.NextPageToken), Json.MetricHistoryResponse);
    }
}
