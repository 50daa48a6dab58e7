namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary><c>{"experiment": ...}</c></summary>
public sealed record ExperimentResponse(ExperimentMessage Experiment);

/// <summary><c>{"experiment_id": "7"}</c></summary>
public sealed record CreateExperimentResponse(string ExperimentId);

/// <summary>A page of experiments; the token is omitted on the last page.</summary>
public sealed record SearchExperimentsResponse(List<ExperimentMessage> Experiments, string? NextPageToken);

/// <summary><c>{"run": ...}</c></summary>
public sealed record RunResponse(RunMessage Run);

/// <summary><c>{"run_info": ...}</c></summary>
public sealed record UpdateRunResponse(RunInfoMessage RunInfo);

/// <summary>A page of runs; the token is omitted on the last page.</summary>
public sealed record SearchRunsResponse(List<RunMessage> Runs, string? NextPageToken);

/// <summary>A page of a metric's history; the token is omitted on the last page.</summary>
public sealed record MetricHistoryResponse(List<MetricMessage> Metrics, string? NextPageToken);
