namespace Ferry.Core.Tracking;

/// <summary>
/// One logged metric value (the history). NaN is stored as <see cref="IsNaN"/> with <see cref="Value"/> 0,
/// because SQLite turns NaN into NULL; infinities are stored as they are.
/// </summary>
public sealed class MetricPoint
{
    /// <summary>Surrogate key (insertion order).</summary>
    public long Id { get; set; }

    /// <summary>The run.</summary>
    public required string RunId { get; set; }

    /// <summary>Metric key.</summary>
    public required string Key { get; set; }

    /// <summary>Value (0 when <see cref="IsNaN"/>).</summary>
    public double Value { get; set; }

    /// <summary>True when the logged value was NaN.</summary>
    public bool IsNaN { get; set; }

    /// <summary>Client timestamp, epoch ms.</summary>
    public long Timestamp { get; set; }

    /// <summary>Training step (0 by default).</summary>
    public long Step { get; set; }

    /// <summary>The value as logged (NaN restored).</summary>
    public double ActualValue => IsNaN ? double.NaN : Value;
}

/// <summary>
/// The latest value of one metric key of a run: the maximum by (step, timestamp, value), as MLflow's SQL
/// store keeps it. Kept as its own row so search can filter and sort on it without scanning history.
/// </summary>
public sealed class LatestMetric
{
    /// <summary>The run.</summary>
    public required string RunId { get; set; }

    /// <summary>Metric key.</summary>
    public required string Key { get; set; }

    /// <summary>Value (0 when <see cref="IsNaN"/>).</summary>
    public double Value { get; set; }

    /// <summary>True when the value is NaN.</summary>
    public bool IsNaN { get; set; }

    /// <summary>Client timestamp, epoch ms.</summary>
    public long Timestamp { get; set; }

    /// <summary>Step.</summary>
    public long Step { get; set; }

    /// <summary>The value (NaN restored).</summary>
    public double ActualValue => IsNaN ? double.NaN : Value;

    /// <summary>True when <paramref name="candidate"/> should replace this as the latest value.</summary>
    public bool IsSupersededBy(MetricPoint candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Step != Step)
        {
            return candidate.Step > Step;
        }

        if (candidate.Timestamp != Timestamp)
        {
            return candidate.Timestamp > Timestamp;
        }

        // NaN sorts below every number, as in MLflow's SQL store (is_nan, value).
        return (candidate.IsNaN, IsNaN) switch
        {
            (true, _) => false,
            (false, true) => true,
            _ => candidate.Value > Value,
        };
    }
}

/// <summary>A dataset a run consumed (MLflow's DatasetInput), with its digest for lineage.</summary>
public sealed class RunDatasetInput
{
    /// <summary>The run.</summary>
    public required string RunId { get; set; }

    /// <summary>Dataset name.</summary>
    public required string Name { get; set; }

    /// <summary>Content digest.</summary>
    public required string Digest { get; set; }

    /// <summary>Source type ("local", "s3", "http", ...).</summary>
    public string SourceType { get; set; } = string.Empty;

    /// <summary>Source description (JSON text in MLflow).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>Schema (JSON text), if given.</summary>
    public string? Schema { get; set; }

    /// <summary>Profile (JSON text), if given.</summary>
    public string? Profile { get; set; }

    /// <summary>The input tags (e.g. <c>mlflow.data.context=training</c>) as a JSON object.</summary>
    public string TagsJson { get; set; } = "{}";
}
