using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Core.Pipelines;

/// <summary>
/// What a pipeline does, stored as JSON on <see cref="TrainingPipeline.SpecJson"/>: the training command, the dataset
/// recipe, the triggers, how a challenger is evaluated and how it is promoted. Every part has defaults, so
/// <c>{"command":{"executable":"python3","arguments":["train.py"]}}</c> is a whole spec.
/// </summary>
public sealed record PipelineSpec
{
    /// <summary>The training command.</summary>
    public TrainingCommand Command { get; init; } = new();

    /// <summary>The training data built before each run, or null to build none (written as <c>"dataset": null</c>, so it survives a round trip).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DatasetRecipe? Dataset { get; init; } = new();

    /// <summary>When the pipeline fires (manual runs are always possible).</summary>
    public PipelineTriggers Triggers { get; init; } = new();

    /// <summary>How a registered challenger is compared with the champion.</summary>
    public EvaluationPlan Evaluation { get; init; } = new();

    /// <summary>What happens to a challenger that passed its evaluation.</summary>
    public PromotionPlan Promotion { get; init; } = new();

    /// <summary>Reads a spec (camelCase JSON); null fields take their defaults.</summary>
    public static PipelineSpec Parse(string json) =>
        JsonSerializer.Deserialize<PipelineSpec>(json, Json) ?? new PipelineSpec();

    /// <summary>The spec as camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The options specs are read and written with (camelCase, enums as strings, nulls kept out).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}

/// <summary>
/// Any executable with its arguments. It runs in <see cref="WorkingDirectory"/> with <c>MLFLOW_TRACKING_URI</c>,
/// <c>MLFLOW_RUN_ID</c>, <c>FERRY_URL</c>, <c>FERRY_TOKEN</c> (a token scoped to this run) and the dataset paths in its
/// environment (docs/loop.md lists them).
/// </summary>
public sealed record TrainingCommand
{
    /// <summary>The program (a path, or a name looked up on PATH), e.g. <c>dotnet</c> or <c>python3</c>.</summary>
    public string Executable { get; init; } = string.Empty;

    /// <summary>Its arguments, passed as they are (no shell).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Working directory; null = the server's data directory's <c>pipelines/{name}</c> folder.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Killed (run TIMED_OUT, FAILED in tracking) after this many seconds.</summary>
    public int TimeoutSeconds { get; init; } = 3_600;

    /// <summary>Address-space limit in MiB for the process, or null for none.</summary>
    public int? MemoryLimitMb { get; init; }

    /// <summary>CPU-time limit in seconds, or null for none.</summary>
    public int? CpuLimitSeconds { get; init; }

    /// <summary>Which executor runs it: <c>process</c> (the embedded child-process executor) or, later, <c>kubernetes</c>.</summary>
    public string Executor { get; init; } = "process";
}

/// <summary>Which production rows a run trains on: the last <see cref="WindowHours"/> of the endpoint's log.</summary>
public sealed record DatasetRecipe
{
    /// <summary>How far back from the firing the window reaches.</summary>
    public double WindowHours { get; init; } = 24 * 30;

    /// <summary>Only labels received within this many hours of their prediction; null = no limit.</summary>
    public double? LabelDelayMaxHours { get; init; } = 24 * 90;

    /// <summary>Append the answering versions' reference rows.</summary>
    public bool WithReference { get; init; }

    /// <summary>The most recent share of labelled rows held out of training for the backtest (0 holds none).</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Keep only labelled rows in the training file.</summary>
    public bool LabelledOnly { get; init; } = true;
}

/// <summary>When a pipeline fires besides manual runs; a firing within <see cref="CooldownMinutes"/> of the last started run is recorded and suppressed.</summary>
public sealed record PipelineTriggers
{
    /// <summary>A Quartz cron expression (seconds first, e.g. <c>0 0 3 ? * MON</c>), or null.</summary>
    public string? Cron { get; init; }

    /// <summary>Fire when an alert opens on the endpoint whose check key starts with one of these (<c>drift</c>, <c>quality</c>, <c>performance</c>, <c>cbpe</c>); empty = never.</summary>
    public IReadOnlyList<string> Alerts { get; init; } = [];

    /// <summary>Fire when this many new labelled rows arrived since the last started run, or null.</summary>
    public int? NewLabels { get; init; }

    /// <summary>Minimum minutes between two started runs of automatic triggers.</summary>
    public double CooldownMinutes { get; init; } = 60;
}

/// <summary>How a challenger is compared with the champion.</summary>
public sealed record EvaluationPlan
{
    /// <summary>The metric that decides: <c>roc_auc</c>, <c>accuracy</c>, <c>f1</c>, <c>log_loss</c>, <c>brier</c>, or for regressors <c>rmse</c>, <c>mae</c>.</summary>
    public string Metric { get; init; } = "roc_auc";

    /// <summary>The challenger passes when its metric is not worse than the champion's by more than this (absolute), at the interval's bound.</summary>
    public double Margin { get; init; } = 0.01;

    /// <summary>Bootstrap resamples for the intervals.</summary>
    public int BootstrapSamples { get; init; } = 1_000;

    /// <summary>Confidence level of the intervals.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Fairness: the input field whose groups are compared, or null for the model card's attribute.</summary>
    public string? FairnessAttribute { get; init; }

    /// <summary>Shadow the challenger on live traffic for this many minutes (0 = no shadow phase unless <see cref="ShadowRows"/>).</summary>
    public double ShadowMinutes { get; init; }

    /// <summary>Or until it answered this many requests' rows.</summary>
    public int? ShadowRows { get; init; }

    /// <summary>Seed of the bootstrap, so an evaluation can be reproduced.</summary>
    public int Seed { get; init; } = 17;
}

/// <summary>What a passing challenger gets.</summary>
public sealed record PromotionPlan
{
    /// <summary><c>auto</c> (a ramp for ungoverned models, a request for governed ones), <c>ramp</c>, <c>request</c> or <c>none</c>.</summary>
    public string Mode { get; init; } = "auto";

    /// <summary>Traffic shares of the challenger, in percent, step by step; the last must be 100.</summary>
    public IReadOnlyList<int> Steps { get; init; } = [10, 50, 100];

    /// <summary>How long each step holds before the guards are judged and the next step is taken.</summary>
    public double HoldMinutes { get; init; } = 30;

    /// <summary>Guards checked during every step.</summary>
    public RampGuards Guards { get; init; } = new();

    /// <summary>The alias moved when the ramp ends.</summary>
    public string Alias { get; init; } = "champion";
}

/// <summary>Limits a ramp's challenger must stay within; any breach rolls the ramp back and opens an alert.</summary>
public sealed record RampGuards
{
    /// <summary>Highest share of the challenger's requests that may fail.</summary>
    public double MaxErrorRate { get; init; } = 0.01;

    /// <summary>Highest p99 latency of the challenger in ms, or null.</summary>
    public double? MaxP99Ms { get; init; } = 250;

    /// <summary>Highest Jensen–Shannon distance between the challenger's and the champion's score distributions over the step, or null.</summary>
    public double? MaxPredictionDrift { get; init; } = 0.2;

    /// <summary>Largest drop of the realized metric (the evaluation's) against the champion once labels arrive, or null.</summary>
    public double? MaxMetricDrop { get; init; } = 0.05;

    /// <summary>Fewest challenger rows in a step before its guards are judged (fewer: the step holds longer).</summary>
    public int MinRows { get; init; } = 50;
}
