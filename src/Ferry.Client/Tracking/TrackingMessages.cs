namespace Ferry.Client.Tracking;

// The request and response bodies of MLflow's tracking routes (mlflow-rest.md §4), named as on the wire.
internal sealed record ExperimentResponse(Experiment Experiment);

internal sealed record CreateExperimentRequest(string Name, string? ArtifactLocation, IReadOnlyList<Tag>? Tags);

internal sealed record CreateExperimentResponse(string ExperimentId);

internal sealed record SearchExperimentsRequest(long? MaxResults, string? PageToken, string? Filter, IReadOnlyList<string>? OrderBy, string? ViewType);

internal sealed record SearchExperimentsResponse(IReadOnlyList<Experiment>? Experiments, string? NextPageToken);

internal sealed record CreateRunRequest(string ExperimentId, string? UserId, string? RunName, long StartTime, IReadOnlyList<Tag>? Tags);

internal sealed record RunResponse(Run Run);

internal sealed record UpdateRunRequest(string RunId, string? Status, long? EndTime, string? RunName);

internal sealed record UpdateRunResponse(RunInfo RunInfo);

internal sealed record LogParamRequest(string RunId, string Key, string Value);

internal sealed record LogMetricRequest(string RunId, string Key, double Value, long Timestamp, long Step);

internal sealed record SetTagRequest(string RunId, string Key, string Value);

internal sealed record LogBatchRequest(string RunId, IReadOnlyList<Metric>? Metrics, IReadOnlyList<Param>? Params, IReadOnlyList<Tag>? Tags);

internal sealed record SearchRunsRequest(
    IReadOnlyList<string> ExperimentIds,
    string? Filter,
    string? RunViewType,
    int? MaxResults,
    IReadOnlyList<string>? OrderBy,
    string? PageToken);

internal sealed record SearchRunsResponse(IReadOnlyList<Run>? Runs, string? NextPageToken);

internal sealed record MetricHistoryResponse(IReadOnlyList<Metric>? Metrics, string? NextPageToken);
